import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import { targets } from '../schema/index.js';
import { counterFlags } from '../../metrics/counters.js';

/** What a collector's poll writes: observed samples and the target's state. */

/**
 * Writes one observed sample with the flags the answer itself gave (a collector's `capped`); counter
 * flags are recomputeSampleFlags' job, so they are kept here and not compared: polling the same instant
 * again rewrites the row only when the value or the answer's flags differ. True when a row was inserted
 * or changed.
 */
export async function upsertObservedSample(db: Db, seriesId: number, ts: Date, value: number, answerFlags: readonly string[]): Promise<boolean> {
	const counterFlagList = sql`${sql.param(counterFlags)}::text[]`;
	const rows = await queryRows<{ series_id: number }>(
		db,
		sql`insert into samples (series_id, ts, value, provenance, flags)
			values (${seriesId}, ${ts.toISOString()}::timestamptz, ${value}, 'observed', ${sql.param(answerFlags)}::text[])
			on conflict (series_id, ts) do update
				set value = excluded.value,
					flags = array(select f from unnest(samples.flags) f where f = any(${counterFlagList})) || excluded.flags
			where (samples.value, array(select f from unnest(samples.flags) with ordinality as u(f, i) where f <> all(${counterFlagList}) order by i))
				is distinct from (excluded.value, excluded.flags)
			returning series_id`
	);
	return rows.length > 0;
}

/**
 * An observation supersedes any reconstruction from its instant on, so that a series reads as rebuilt
 * history and then observed values, never the two interleaved (their definitions differ). Returns the
 * latest instant removed, for the flag recomputation's range.
 */
export async function deleteReconstructedFrom(db: Db, seriesId: number, from: Date): Promise<Date | undefined> {
	const [row] = await queryRows<{ last: string | Date | null }>(
		db,
		sql`with gone as (
			delete from samples where series_id = ${seriesId} and ts >= ${from.toISOString()}::timestamptz and provenance = 'reconstructed'
			returning ts
		) select max(ts) as last from gone`
	);
	return row?.last ? new Date(row.last) : undefined;
}

/** A target answered: its status back to ok, when it was collected, and its metadata merged in. */
export async function markTargetObserved(db: Db, targetId: number, at: Date, metadata: Record<string, unknown>): Promise<void> {
	await db
		.update(targets)
		.set({
			status: 'ok',
			statusMessage: null,
			lastCollectedAt: at,
			metadata: sql`${targets.metadata} || ${JSON.stringify(metadata)}::jsonb`
		})
		.where(eq(targets.id, targetId));
}
