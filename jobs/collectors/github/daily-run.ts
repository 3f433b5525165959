import pLimit from 'p-limit';
import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { CollectorError, toCollectorError } from '../errors.js';
import { recordFailure, recordRun, recordSuccess, type CollectOptions, type RunProgress, type RunReport } from '../run.js';
import { clearWaiting, collectWithinAnonymousBudget, type WaitingCollector } from './anonymous-budget.js';
import { GithubClient } from './client.js';
import { listGithubTargets, type GithubTarget } from './targets.js';

/**
 * The shape of GitHub's daily REST collectors (contributor counts, release downloads): one or a few
 * REST requests per active github target, written as one observation. With a token, several at once,
 * and a long rate limit stops asking GitHub for the rest of the run. Without one, one at a time with
 * whatever is left of the anonymous budget (anonymous-budget.ts): the targets that do not fit wait for
 * the next run, and go first then.
 */

/** Collects one repository at the run's time; returns the samples written. */
export type CollectRepository = (client: GithubClient, target: GithubTarget, ts: Date) => Promise<number>;

interface DailyRun {
	db: Db;
	collector: WaitingCollector;
	collectOne: CollectRepository;
	client: GithubClient;
	report: RunProgress;
	options: CollectOptions;
	ts: Date;
}

/** Without a token: one at a time, with whatever is left of the anonymous budget; returns the keys left waiting. */
async function collectAnonymously(run: DailyRun, targets: readonly GithubTarget[]): Promise<string[]> {
	// A daily run happens once: it may spend all that is left (the hourly run has its own share).
	const budget = { collector: run.collector, stats: run.client.stats, maxRequests: Number.POSITIVE_INFINITY, report: run.report, options: run.options, now: run.ts };
	const waiting = await collectWithinAnonymousBudget(run.db, budget, targets, (target) => run.collectOne(run.client, target, run.ts));
	return waiting.map((t) => t.key);
}

/** With a token: several at once; the first rate limit fails the targets not yet asked without asking. */
async function collectWithToken(run: DailyRun, targets: readonly GithubTarget[], concurrency: number): Promise<void> {
	let rateLimit: CollectorError | undefined;
	const limit = pLimit(concurrency);
	const collectOne = async (target: GithubTarget) => {
		try {
			if (rateLimit) throw rateLimit;
			const changedSamples = await run.collectOne(run.client, target, run.ts);
			await clearWaiting(run.db, target, run.collector);
			recordSuccess(run.report, run.options, target.key, changedSamples);
		} catch (error) {
			const failure = toCollectorError(error);
			if (failure.kind === 'rateLimited') rateLimit = failure;
			await recordFailure(run.db, 'github', run.report, run.options, target.key, failure);
		}
	};
	await Promise.all(targets.map((target) => limit(() => collectOne(target))));
}

/** One run of a daily GitHub REST collector over the active github targets (or options.onlyKey). */
export async function runDailyGithubCollector(
	db: Db,
	config: Config,
	options: CollectOptions,
	collector: WaitingCollector,
	collectOne: CollectRepository
): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const client = new GithubClient(config.github, config.http, options);
	const targets = await listGithubTargets(db, options.onlyKey);
	let targetsWaiting: string[] = [];
	const report = await recordRun(db, collector, options, client.stats, async (report) => {
		const run: DailyRun = { db, collector, collectOne, client, report, options, ts: now() };
		if (config.github.token) await collectWithToken(run, targets, config.collectConcurrency);
		else targetsWaiting = await collectAnonymously(run, targets);
	});
	return { ...report, targetsWaiting };
}
