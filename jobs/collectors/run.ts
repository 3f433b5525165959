import { failRunsOfEndedProcesses } from '../../src/lib/server/crash-repair.js';
import type { Db } from '../../src/lib/server/db/client.js';
import { formatProcessOwner, readOwnOwner } from '../../src/lib/server/db/process-identity.js';
import { setTargetStatus } from '../../src/lib/server/db/queries/collection-targets.js';
import { failAbandonedRuns, finishRun, insertRun, type RunOutcome } from '../../src/lib/server/db/queries/runs.js';
import type { RunFailure } from '../../src/lib/server/db/schema/index.js';
import type { CollectorError } from './errors.js';
import type { HttpStats } from './http.js';

/** What a run reports as it goes; recordRun turns it into the collection_runs row. */
export interface RunProgress {
	/** `changedSamples`: samples the target's write inserted or changed. */
	succeeded(target: string, changedSamples?: number): void;
	failed(target: string, error: CollectorError): void;
	/** The target was left because the process is stopping: neither done nor failed. */
	interrupted(target: string): void;
}

export interface RunReport extends RunOutcome {
	/**
	 * Undefined when the run recorded none: a worker that joined a shared tick (shared-tick.ts) whose
	 * batches other workers had all taken and finished.
	 */
	runId: number | undefined;
	/** Samples inserted or changed by the run (not stored on the run row): what the after-write hook judges. */
	changedSamples: number;
	/** Targets left for the next run because the source's budget is spent: neither done nor failed. */
	targetsWaiting?: string[];
}

/**
 * A run of another host still marked running after this long was cut short (a crash, a kill): the
 * next run of the same collector marks it failed. The scheduler's lease lasts as long, for the same
 * reason. Runs of this host are closed as soon as their process is found gone (crash-repair.ts).
 */
export const abandonedRunMs = 2 * 3600 * 1000;

const abandonedRunFailure: RunFailure = {
	target: '*',
	kind: 'crashed',
	message: `still running after ${abandonedRunMs / 3_600_000} hours: the process that ran it, on another host, ended without closing it`
};

/**
 * Runs `work` between a started and a finished collection_runs row. Status: ok when every target
 * succeeded, partial when some failed, failed when none succeeded or the run itself threw (the error
 * is recorded and rethrown, so the scheduler logs it too); interrupted when options.signal was aborted
 * (the process is stopping) and targets were left for the next run. Each target's write is its own
 * transaction, so an interrupted run leaves whole targets written or untouched.
 */
export async function recordRun(
	db: Db,
	collector: string,
	options: CollectOptions,
	stats: HttpStats,
	work: (progress: RunProgress) => Promise<void>
): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const owner = readOwnOwner();
	await failRunsOfEndedProcesses(db, collector);
	await failAbandonedRuns(db, collector, new Date(now().getTime() - abandonedRunMs), owner.host, abandonedRunFailure);
	const runId = await insertRun(db, collector, now(), formatProcessOwner(owner));
	const tally = { done: 0, left: 0, changedSamples: 0, failures: [] as RunFailure[] };
	const progress: RunProgress = {
		succeeded: (_target, changed = 0) => {
			tally.done++;
			tally.changedSamples += changed;
		},
		failed: (target, error) => void tally.failures.push({ target, kind: error.kind, message: error.message }),
		interrupted: () => void tally.left++
	};
	const outcome = (status: RunOutcome['status']): RunOutcome => ({
		status,
		targetsDone: tally.done,
		targetsFailed: tally.failures.length,
		failures: tally.failures,
		requestsMade: stats.requests,
		rateBudgetLeft: stats.rateBudgetLeft
	});
	try {
		await work(progress);
	} catch (error) {
		if (!options.signal?.aborted) {
			tally.failures.push({ target: '*', kind: 'http', message: (error as Error).message });
			await finishRun(db, runId, now(), outcome('failed'));
			throw error;
		}
		tally.left++;
	}
	const finished = outcome(decideStatus(tally.done, tally.failures.length, tally.left));
	await finishRun(db, runId, now(), finished);
	return { runId, ...finished, changedSamples: tally.changedSamples };
}

/** The report of a run that found nothing left for it in a shared tick: no run row, nothing done. */
export function reportNothingLeft(stats: HttpStats): RunReport {
	return { runId: undefined, status: 'ok', targetsDone: 0, targetsFailed: 0, failures: [], requestsMade: stats.requests, rateBudgetLeft: stats.rateBudgetLeft, changedSamples: 0 };
}

function decideStatus(done: number, failed: number, left: number): RunOutcome['status'] {
	if (left > 0) return 'interrupted';
	if (failed === 0) return 'ok';
	return done === 0 ? 'failed' : 'partial';
}

/** What every collector takes. */
export interface CollectOptions {
	now?: () => Date;
	/** Waits out a short rate limit; injectable so that tests never really wait. */
	sleep?: (ms: number) => Promise<void>;
	/**
	 * The scheduler tick this run belongs to: a collector that splits its work into batches
	 * (Docker Hub) shares the tick with every process running the same slot. Without it, the run
	 * collects every target itself.
	 */
	slot?: Date;
	/** Only this target key, for `npm run collect -- --target` and for a newly added target. */
	onlyKey?: string;
	onProgress?: (key: string, error?: CollectorError) => void;
	/**
	 * Aborted when the process is stopping: requests in flight are cancelled, no new one starts, and
	 * the targets not written yet are left for the next run (recorded as interrupted, not failed).
	 */
	signal?: AbortSignal;
}

/**
 * Records one target's failure on the run and on the target; its samples stay as they were. Once the
 * run is aborted, a failure is the abort's doing (a cancelled request): the target is only left.
 */
export async function recordFailure(
	db: Db,
	source: string,
	report: RunProgress,
	options: CollectOptions,
	key: string,
	failure: CollectorError
): Promise<void> {
	if (options.signal?.aborted) return report.interrupted(key);
	report.failed(key, failure);
	await setTargetStatus(db, { source, key }, failure.kind === 'notFound' ? 'not_found' : 'failing', failure.message);
	options.onProgress?.(key, failure);
}

/**
 * Records one target's failure on the run only, for a backfill: the target's status says whether its
 * current values can be collected, which is the hourly collector's to say (a refused history is not a
 * missing repository).
 */
export function recordRunFailure(report: RunProgress, options: CollectOptions, key: string, failure: CollectorError): void {
	if (options.signal?.aborted) return report.interrupted(key);
	report.failed(key, failure);
	options.onProgress?.(key, failure);
}

export function recordSuccess(report: RunProgress, options: CollectOptions, key: string, changedSamples = 0): void {
	report.succeeded(key, changedSamples);
	options.onProgress?.(key);
}
