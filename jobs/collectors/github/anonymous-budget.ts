import type { Db } from '../../../src/lib/server/db/client.js';
import { mergeTargetMetadata, removeTargetMetadataKey } from '../../../src/lib/server/db/queries/collection-targets.js';
import type { HttpStats } from '../http.js';
import { toCollectorError } from '../errors.js';
import { recordFailure, recordSuccess, type CollectOptions, type RunProgress } from '../run.js';
import type { GithubTarget } from './targets.js';

/**
 * GitHub without a token: 60 core requests an hour for the whole host, counted from the first one
 * and reset at x-ratelimit-reset. https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 * A collector spends it one request at a time, stops before the budget is gone (or at the first rate
 * limit, if something else spent it), and leaves the rest of its targets waiting for its next run:
 * not failed, because nothing is wrong with them. The wait is kept on the target (metadata, under the
 * collector's key, since when) so that the health page can say how many wait, and so that the targets
 * that waited go first next time and no target waits for ever.
 */

/** The metadata key that says since when a target waits for the anonymous budget, per collector. */
export const waitKeys = {
	github: 'countersWaitingSince',
	'github-contributors': 'contributorsWaitingSince',
	'github-downloads': 'downloadsWaitingSince'
} as const;
export type WaitingCollector = keyof typeof waitKeys;

function readWaitingSince(target: GithubTarget, collector: WaitingCollector): string | undefined {
	const since = target.metadata[waitKeys[collector]];
	return typeof since === 'string' ? since : undefined;
}

/** Targets that waited last time first (longest wait first), then the others in key order. */
export function orderWaitingFirst(targets: readonly GithubTarget[], collector: WaitingCollector): GithubTarget[] {
	const waited = targets
		.flatMap((target) => {
			const since = readWaitingSince(target, collector);
			return since === undefined ? [] : [{ target, since }];
		})
		.sort((a, b) => a.since.localeCompare(b.since) || a.target.key.localeCompare(b.target.key))
		.map((w) => w.target);
	const others = targets.filter((t) => !waited.includes(t)).sort((a, b) => a.key.localeCompare(b.key));
	return [...waited, ...others];
}

/** Whether one more request fits: under this run's share, and budget left as GitHub last said. */
export function hasAnonymousBudget(stats: HttpStats, requestsAtStart: number, maxRequests: number): boolean {
	if (stats.requests - requestsAtStart >= maxRequests) return false;
	return stats.rateBudgetLeft === undefined || stats.rateBudgetLeft > 0;
}

/** Marks targets as waiting since `now`; a target already waiting keeps its first time. */
export async function markWaiting(db: Db, targets: readonly GithubTarget[], collector: WaitingCollector, now: Date): Promise<void> {
	for (const target of targets) {
		if (readWaitingSince(target, collector) === undefined) await mergeTargetMetadata(db, target.id, { [waitKeys[collector]]: now.toISOString() });
	}
}

/** The target was collected: it no longer waits. Asked only of a target marked waiting, so a normal run writes nothing more. */
export async function clearWaiting(db: Db, target: GithubTarget, collector: WaitingCollector): Promise<void> {
	if (readWaitingSince(target, collector) !== undefined) await removeTargetMetadataKey(db, target.id, waitKeys[collector]);
}

/** How many of these targets wait for each collector's next run. */
export function countWaiting(targets: readonly { metadata: Record<string, unknown> }[], collector: WaitingCollector): number {
	return targets.filter((t) => typeof t.metadata[waitKeys[collector]] === 'string').length;
}

/** What collecting one target came to: done (stored or failed) or waiting (GitHub says the budget is spent). */
type AnonymousOutcome = 'done' | 'waiting';

interface AnonymousRun {
	collector: WaitingCollector;
	stats: HttpStats;
	maxRequests: number;
	report: RunProgress;
	options: CollectOptions;
	now: Date;
}

/**
 * One target: stored and recorded, or failed and recorded; but a rate limit leaves it waiting, not
 * failed (someone else spent the host's anonymous budget, and nothing is wrong with the target).
 */
async function collectOrWait(db: Db, run: AnonymousRun, target: GithubTarget, collect: (target: GithubTarget) => Promise<number>): Promise<AnonymousOutcome> {
	try {
		const changedSamples = await collect(target);
		await clearWaiting(db, target, run.collector);
		recordSuccess(run.report, run.options, target.key, changedSamples);
	} catch (error) {
		const failure = toCollectorError(error);
		if (failure.kind === 'rateLimited' && !run.options.signal?.aborted) return 'waiting';
		await recordFailure(db, 'github', run.report, run.options, target.key, failure);
	}
	return 'done';
}

/**
 * Collects targets one at a time (the budget is read from each answer before the next request),
 * waiting targets first, while the budget lasts; the rest, and all after a rate-limited answer, are
 * marked waiting and returned. Targets not reached because the process is stopping are left as
 * interrupted. `collect` stores one target and returns the samples it changed.
 */
export async function collectWithinAnonymousBudget(
	db: Db,
	run: AnonymousRun,
	targets: readonly GithubTarget[],
	collect: (target: GithubTarget) => Promise<number>
): Promise<GithubTarget[]> {
	const requestsAtStart = run.stats.requests;
	const waiting: GithubTarget[] = [];
	for (const target of orderWaitingFirst(targets, run.collector)) {
		if (run.options.signal?.aborted) run.report.interrupted(target.key);
		else if (waiting.length > 0 || !hasAnonymousBudget(run.stats, requestsAtStart, run.maxRequests)) waiting.push(target);
		else if ((await collectOrWait(db, run, target, collect)) === 'waiting') waiting.push(target);
	}
	await markWaiting(db, waiting, run.collector, run.now);
	return waiting;
}
