import type { TargetRef } from '../src/lib/refs.js';
import type { CounterConfig } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import { addListedTargets, lockTargetsForWrite, refKey } from '../src/lib/server/db/queries/collection-targets.js';
import { deleteReconstructedFromEach, lockObservedSeries, markTargetsObserved, upsertObservedSamples } from '../src/lib/server/db/queries/observations.js';
import { recomputeSampleFlagsOf } from '../src/lib/server/db/queries/sample-flags.js';
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
 * Writes one target's observation in one transaction (writeObservations of one). A crash leaves all
 * or nothing. Returns how many samples were inserted or changed (later samples whose flags changed
 * included), for the after-write hook.
 */
export async function writeObservation(db: Db, observation: Observation, counters: CounterConfig): Promise<number> {
	const [changed] = await writeObservations(db, [observation], counters);
	return changed!;
}

/**
 * Writes observations of distinct targets in one transaction, set-wise (a handful of statements for the
 * whole set): every metric's sample (observed, with the answer's flags, and counter flags recomputed
 * for it and the samples after it), each target's metadata and its status back to ok. A crash leaves
 * all or nothing. A target removed while its collection was in flight gets nothing and stays removed:
 * the write locks the targets' rows first and writes only those still there. Returns, per observation,
 * how many samples were inserted or changed (later samples whose flags changed included).
 */
export async function writeObservations(db: Db, observations: readonly Observation[], counters: CounterConfig): Promise<number[]> {
	const refs = observations.map((o) => refKey(o.target));
	if (new Set(refs).size < refs.length) throw new Error('writeObservations takes one observation per target');
	if (observations.length === 0) return [];
	return db.transaction(async (tx) => {
		const targetIds = await lockObservedTargets(tx, observations);
		const written = observations.flatMap((o, index) => {
			const targetId = targetIds.get(refKey(o.target));
			return targetId === undefined ? [] : [{ observation: o, index, targetId }];
		});
		const wanted = written.flatMap(({ observation, targetId }) =>
			Object.keys(observation.values).map((metric) => ({ targetId, metric, ...getMetricInfo(metric), note: observation.notes?.[metric] }))
		);
		// Kind as stored: an existing series keeps the kind it was created with.
		const seriesOf = new Map((await lockObservedSeries(tx, wanted)).map((s) => [`${s.targetId}/${s.metric}`, s]));
		const samples = written.flatMap(({ observation, targetId, index }) =>
			Object.entries(observation.values).map(([metric, value]) => {
				const series = seriesOf.get(`${targetId}/${metric}`);
				if (!series) throw new Error(`series ${metric} of target ${targetId} vanished while its target was locked`);
				return { index, series, ts: observation.ts, value, answerFlags: observation.flags?.[metric] ?? [] };
			})
		);
		const lastRemoved = await deleteReconstructedFromEach(tx, samples.map((s) => ({ seriesId: s.series.id, from: s.ts })));
		const isWritten = await upsertObservedSamples(tx, samples.map((s) => ({ seriesId: s.series.id, ts: s.ts, value: s.value, answerFlags: s.answerFlags })));
		const recounts = await recomputeSampleFlagsOf(
			tx,
			samples.map((s) => {
				const removedTo = lastRemoved.get(s.series.id);
				return { seriesId: s.series.id, from: s.ts, to: removedTo && removedTo > s.ts ? removedTo : s.ts, rules: resolveFlagRules(counters, s.series) };
			})
		);
		await markTargetsObserved(tx, written.map(({ observation, targetId }) => ({ targetId, at: observation.ts, metadata: observation.metadata ?? {} })));
		const changed = observations.map(() => 0);
		for (const s of samples) changed[s.index]! += Number(isWritten.has(s.series.id)) + (recounts.get(s.series.id)?.followersChanged ?? 0);
		return changed;
	});
}

/**
 * Locks the observations' targets for the write, creating those found in a listing first (each
 * listing's parent locked before its targets); answers their ids by refKey, without removed ones.
 */
async function lockObservedTargets(tx: Db, observations: readonly Observation[]): Promise<Map<string, number>> {
	const byListing = new Map<string, { parent: TargetRef; listed: Observation['target'][] }>();
	for (const o of observations) {
		if (!o.listedBy) continue;
		const parent = { source: o.target.source, key: o.listedBy };
		const key = refKey(parent);
		if (!byListing.has(key)) byListing.set(key, { parent, listed: [] });
		byListing.get(key)!.listed.push(o.target);
	}
	const listedKeys = new Set<string>();
	// Parents in a fixed order, so that two writers of overlapping listings lock them alike.
	for (const ref of [...byListing.keys()].sort()) {
		const { parent, listed } = byListing.get(ref)!;
		for (const key of await addListedTargets(tx, parent, listed)) listedKeys.add(key);
	}
	// A listed target stays unwritten when its listing no longer allows it (parent gone, target removed from it).
	const refs = observations.filter((o) => !o.listedBy || listedKeys.has(refKey(o.target))).map((o) => o.target);
	return lockTargetsForWrite(tx, refs);
}
