import { and, eq, sql } from 'drizzle-orm';
import type { TargetRef } from '../src/lib/refs.js';
import { queryRows, type Db } from '../src/lib/server/db/client.js';
import { targets, type TargetStatus } from '../src/lib/server/db/schema/index.js';
import { upsertSeries, upsertTarget } from '../src/lib/server/db/queries/targets.js';
import type { CounterConfig } from '../src/lib/server/config.js';
import { computeCounterFlags, type PreviousSample } from '../src/lib/server/metrics/counters.js';
import { getMetricInfo } from '../src/lib/server/metrics/catalog.js';

/** What a collector observed of one target at one time. */
export interface Observation {
	target: TargetRef & { displayName: string };
	ts: Date;
	values: Record<string, number>;
	metadata?: Record<string, unknown>;
}

/**
 * The latest sample before `before` and the value the counter had stallDays earlier: two backward
 * probes of the primary key, however long the history.
 */
async function getPreviousSample(db: Db, seriesId: number, before: Date, stallDays: number): Promise<PreviousSample | undefined> {
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
 * Writes one target's observation in one transaction: every metric's sample (observed, flagged by
 * counter hygiene), the target's metadata and its status back to ok. A crash leaves all or nothing.
 */
export async function writeObservation(db: Db, observation: Observation, counters: CounterConfig): Promise<void> {
	await db.transaction(async (tx) => {
		const targetId = await upsertTarget(tx, observation.target);
		for (const [metric, value] of Object.entries(observation.values)) {
			const info = getMetricInfo(metric);
			const seriesId = await upsertSeries(tx, targetId, { metric, ...info });
			const previous = info.kind === 'counter' ? await getPreviousSample(tx, seriesId, observation.ts, counters.stallDays) : undefined;
			const flags = computeCounterFlags(previous, value, counters);
			await tx.execute(sql`insert into samples (series_id, ts, value, provenance, flags)
				values (${seriesId}, ${observation.ts.toISOString()}::timestamptz, ${value}, 'observed', ${sql.param(flags)}::text[])
				on conflict (series_id, ts) do update set value = excluded.value, flags = excluded.flags
				where (samples.value, samples.flags) is distinct from (excluded.value, excluded.flags)`);
		}
		await tx
			.update(targets)
			.set({
				status: 'ok',
				statusMessage: null,
				lastCollectedAt: observation.ts,
				metadata: sql`${targets.metadata} || ${JSON.stringify(observation.metadata ?? {})}::jsonb`
			})
			.where(eq(targets.id, targetId));
	});
}

/** Marks a target failing or not found, with the reason, without touching its samples. */
export async function setTargetStatus(
	db: Db,
	ref: { source: string; key: string },
	status: TargetStatus,
	message: string | null
): Promise<void> {
	await db
		.update(targets)
		.set({ status, statusMessage: message })
		.where(and(eq(targets.source, ref.source), eq(targets.key, ref.key)));
}

export function listActiveTargets(db: Db, source: string) {
	return db
		.select({ source: targets.source, key: targets.key, displayName: targets.displayName })
		.from(targets)
		.where(and(eq(targets.source, source), eq(targets.isActive, true)))
		.orderBy(targets.key);
}

