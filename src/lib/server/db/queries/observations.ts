import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import { targets } from '../schema/index.js';
import type { PreviousSample } from '../../metrics/counters.js';

/** What a collector's poll writes: observed samples with their counter flags, and the target's state. */

/**
 * The latest sample before `before` and the value the counter had stallDays earlier: two backward
 * probes of the primary key, however long the history.
 */
export async function getPreviousSample(db: Db, seriesId: number, before: Date, stallDays: number): Promise<PreviousSample | undefined> {
	const stallStart = new Date(before.getTime() - stallDays * 86_400_000).toISOString();
	const [row] = await queryRows<{ t_ms: number; value: number; stall_value: number | null }>(
		db,
		sql`select (extract(epoch from ts) * 1000)::float8 as t_ms, value,
				(select value from samples where series_id = ${seriesId} and ts <= ${stallStart}::timestamptz
					order by ts desc limit 1) as stall_value
			from samples where series_id = ${seriesId} and ts < ${before.toISOString()}::timestamptz
			order by ts desc limit 1`
	);
	if (!row) return undefined;
	return {
		tMs: Number(row.t_ms),
		value: Number(row.value),
		valueStallDaysAgo: row.stall_value === null ? undefined : Number(row.stall_value)
	};
}

/**
 * Writes one observed sample; polling the same instant again rewrites it only when the value or flags
 * differ. True when a row was inserted or changed.
 */
export async function upsertObservedSample(db: Db, seriesId: number, ts: Date, value: number, flags: readonly string[]): Promise<boolean> {
	const rows = await queryRows<{ series_id: number }>(
		db,
		sql`insert into samples (series_id, ts, value, provenance, flags)
			values (${seriesId}, ${ts.toISOString()}::timestamptz, ${value}, 'observed', ${sql.param(flags)}::text[])
			on conflict (series_id, ts) do update set value = excluded.value, flags = excluded.flags
			where (samples.value, samples.flags) is distinct from (excluded.value, excluded.flags)
			returning series_id`
	);
	return rows.length > 0;
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
