import type { TargetRef } from '../src/lib/refs.js';
import type { CounterConfig } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import { lockListedTargetForWrite, lockTargetForWrite } from '../src/lib/server/db/queries/collection-targets.js';
import { upsertSeries } from '../src/lib/server/db/queries/targets.js';
import { deleteReconstructedFrom, markTargetObserved, upsertObservedSample } from '../src/lib/server/db/queries/observations.js';
import { lockSeriesForWrite, recomputeSampleFlags } from '../src/lib/server/db/queries/sample-flags.js';
import { resolveFlagRules } from '../src/lib/server/metrics/counters.js';
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
	/**
	 * Flags the answer itself carries, per metric (a count at a known cap: `capped`). Stored with the
	 * sample beside the counter flags, which are computed here from the neighbouring samples.
	 */
	flags?: Record<string, string[]>;
	/**
	 * Series notes per metric, set with the samples: what a collected count stands for when that is less
	 * than its name says (a search count capped at 10,000, release downloads as a proxy for installs).
	 */
	notes?: Record<string, string>;
}

/**
 * Writes one target's observation in one transaction: every metric's sample (observed, with the
 * answer's flags and counter flags recomputed for it and the samples after it), the target's metadata
 * and its status back to ok. A crash leaves all or nothing.
 * A target removed while its collection was in flight gets nothing and stays removed: the write
 * locks the target's row first and writes only if it is still there. Returns how many samples were
 * inserted or changed (later samples whose flags changed included), for the after-write hook.
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
			const seriesId = await upsertSeries(tx, targetId, { metric, ...getMetricInfo(metric), note: observation.notes?.[metric] });
			changedSamples += await writeObservedValue(tx, seriesId, observation.ts, value, observation.flags?.[metric] ?? [], counters);
		}
		await markTargetObserved(tx, targetId, observation.ts, observation.metadata ?? {});
		return changedSamples;
	});
}

/** One metric's sample, in the observation's transaction; returns the samples changed. */
async function writeObservedValue(tx: Db, seriesId: number, ts: Date, value: number, answerFlags: string[], counters: CounterConfig): Promise<number> {
	// Kind as stored: an existing series keeps the kind it was created with.
	const series = await lockSeriesForWrite(tx, seriesId);
	if (!series) throw new Error(`series ${seriesId} vanished while its target was locked`);
	const lastRemoved = await deleteReconstructedFrom(tx, seriesId, ts);
	const isWritten = await upsertObservedSample(tx, seriesId, ts, value, answerFlags);
	const to = lastRemoved && lastRemoved > ts ? lastRemoved : ts;
	const recount = await recomputeSampleFlags(tx, seriesId, { from: ts, to }, resolveFlagRules(counters, series));
	return Number(isWritten) + recount.followersChanged;
}
