import type { TargetRef } from '../src/lib/refs.js';
import type { CounterConfig } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import { upsertSeries, upsertTarget } from '../src/lib/server/db/queries/targets.js';
import { getPreviousSample, markTargetObserved, upsertObservedSample } from '../src/lib/server/db/queries/observations.js';
import { computeCounterFlags } from '../src/lib/server/metrics/counters.js';
import { getMetricInfo } from '../src/lib/server/metrics/catalog.js';

/** What a collector observed of one target at one time. */
export interface Observation {
	target: TargetRef & { displayName: string };
	ts: Date;
	values: Record<string, number>;
	metadata?: Record<string, unknown>;
}

/**
 * Writes one target's observation in one transaction: every metric's sample (observed, flagged by
 * counter hygiene), the target's metadata and its status back to ok. A crash leaves all or nothing.
 * Returns how many samples were inserted or changed, for the after-write hook.
 */
export async function writeObservation(db: Db, observation: Observation, counters: CounterConfig): Promise<number> {
	return db.transaction(async (tx) => {
		const targetId = await upsertTarget(tx, observation.target);
		let changedSamples = 0;
		for (const [metric, value] of Object.entries(observation.values)) {
			const info = getMetricInfo(metric);
			const seriesId = await upsertSeries(tx, targetId, { metric, ...info });
			const previous = info.kind === 'counter' ? await getPreviousSample(tx, seriesId, observation.ts, counters.stallDays) : undefined;
			const flags = computeCounterFlags(previous, value, counters);
			if (await upsertObservedSample(tx, seriesId, observation.ts, value, flags)) changedSamples++;
		}
		await markTargetObserved(tx, targetId, observation.ts, observation.metadata ?? {});
		return changedSamples;
	});
}
