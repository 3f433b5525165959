import type { Db } from '../../src/lib/server/db/client.js';
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
}

export interface RunReport extends RunOutcome {
	runId: number;
	/** Samples inserted or changed by the run (not stored on the run row): what the after-write hook judges. */
	changedSamples: number;
}

/**
 * A run still marked running after this long was cut short (a crash, a kill): the next run of the
 * same collector marks it failed. The scheduler's lease lasts as long, for the same reason.
 */
export const abandonedRunMs = 2 * 3600 * 1000;

/**
 * Runs `work` between a started and a finished collection_runs row. Status: ok when every target
 * succeeded, partial when some failed, failed when none succeeded or the run itself threw (the error
 * is recorded and rethrown, so the scheduler logs it too).
 */
export async function recordRun(
	db: Db,
	collector: string,
	now: () => Date,
	stats: HttpStats,
	work: (progress: RunProgress) => Promise<void>
): Promise<RunReport> {
	await failAbandonedRuns(db, collector, new Date(now().getTime() - abandonedRunMs));
	const runId = await insertRun(db, collector, now());
	let targetsDone = 0;
	let changedSamples = 0;
	const failures: RunFailure[] = [];
	const progress: RunProgress = {
		succeeded: (_target, changed = 0) => {
			targetsDone++;
			changedSamples += changed;
		},
		failed: (target, error) => void failures.push({ target, kind: error.kind, message: error.message })
	};
	const outcome = (status: RunOutcome['status']): RunOutcome => ({
		status,
		targetsDone,
		targetsFailed: failures.length,
		failures,
		requestsMade: stats.requests,
		rateBudgetLeft: stats.rateBudgetLeft
	});
	try {
		await work(progress);
	} catch (error) {
		failures.push({ target: '*', kind: 'http', message: (error as Error).message });
		await finishRun(db, runId, now(), outcome('failed'));
		throw error;
	}
	const finished = outcome(failures.length === 0 ? 'ok' : targetsDone === 0 ? 'failed' : 'partial');
	await finishRun(db, runId, now(), finished);
	return { runId, ...finished, changedSamples };
}

/** What every collector takes. */
export interface CollectOptions {
	now?: () => Date;
	/** Waits out a short rate limit; injectable so that tests never really wait. */
	sleep?: (ms: number) => Promise<void>;
	/** Only this target key, for `npm run collect -- --target` and for a newly added target. */
	onlyKey?: string;
	onProgress?: (key: string, error?: CollectorError) => void;
}

/** Records one target's failure on the run and on the target; its samples stay as they were. */
export async function recordFailure(
	db: Db,
	source: string,
	report: RunProgress,
	options: CollectOptions,
	key: string,
	failure: CollectorError
): Promise<void> {
	report.failed(key, failure);
	await setTargetStatus(db, { source, key }, failure.kind === 'notFound' ? 'not_found' : 'failing', failure.message);
	options.onProgress?.(key, failure);
}

export function recordSuccess(report: RunProgress, options: CollectOptions, key: string, changedSamples = 0): void {
	report.succeeded(key, changedSamples);
	options.onProgress?.(key);
}
