import type { TargetRef } from '../src/lib/refs.js';
import type { CounterConfig } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import { lockListedTargetForWrite, lockTargetForWrite } from '../src/lib/server/db/queries/collection-targets.js';
import { upsertSeries } from '../src/lib/server/db/queries/targets.js';
import { getPreviousSample, markTargetObserved, upsertObservedSample } from '../src/lib/server/db/queries/observations.js';
import { computeCounterFlags } from '../src/lib/server/metrics/counters.js';
import { getMetricInfo } from '../src/lib/server/metrics/catalog.js';

/** What a collector observed of one target at one time. */
export interface Observation {
	target: TargetRef & { displayName: string };
	ts: Date;
	values: Record<string, number>;
	metadata?: Record<string, unknown>;
	/**
	 * The target (same source) whose listing found this one, a Docker Hub namespace for its images:
	 * the target is then created if missing, unless that parent is gone or the analyst removed this
	 * target. Without it the target must be tracked already.
	 */
	listedBy?: string;
	/** Flags the collector knows per metric (`capped`: a search count at a known cap), added to the computed ones. */
	flags?: Record<string, string[]>;
}

/**
 * Writes one target's observation in one transaction: every metric's sample (observed, flagged by
 * counter hygiene), the target's metadata and its status back to ok. A crash leaves all or nothing.
 * A target removed while its collection was in flight gets nothing and stays removed: the write
 * locks the target's row first and writes only if it is still there. Returns how many samples were
 * inserted or changed, for the after-write hook.
 */
export async function writeObservation(db: Db, observation: Observation, counters: CounterConfig): Promise<number> {
	return db.transaction(async (tx) => {
		const { target, listedBy } = observation;
		const targetId = listedBy
			? await lockListedTargetForWrite(tx, { source: target.source, key: listedBy }, target)
			: await lockTargetForWrite(tx, target);
		if (targetId === undefined) return 0;
		let changedSamples = 0;
		for (const [metric, value] of Object.entries(observation.values)) {
			const info = getMetricInfo(metric);
			const seriesId = await upsertSeries(tx, targetId, { metric, ...info });
			const previous = info.kind === 'counter' ? await getPreviousSample(tx, seriesId, observation.ts, counters.stallDays) : undefined;
			const flags = [...computeCounterFlags(previous, value, counters), ...(observation.flags?.[metric] ?? [])];
			if (await upsertObservedSample(tx, seriesId, observation.ts, value, flags)) changedSamples++;
		}
		await markTargetObserved(tx, targetId, observation.ts, observation.metadata ?? {});
		return changedSamples;
	});
}
