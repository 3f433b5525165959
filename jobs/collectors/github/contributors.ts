import pLimit from 'p-limit';
import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { writeObservation } from '../../observations.js';
import { CollectorError, toCollectorError } from '../errors.js';
import { recordFailure, recordRun, recordSuccess, type CollectOptions, type RunProgress, type RunReport } from '../run.js';
import { clearWaiting, collectWithinAnonymousBudget, type AnonymousOutcome } from './anonymous-budget.js';
import { GithubClient } from './client.js';
import { parseContributorsCache } from './parse.js';
import { listGithubTargets, parseRepositoryKey, type GithubTarget } from './targets.js';

/**
 * The contributor count of one repository; returns the samples written. The ETag and the count it validated are kept together in
 * the target's metadata (contributorsEtag, contributorsCount), so a 304 always has its value: it is
 * written again at this run's time, so that the series shows the poll happened.
 */
async function collectContributors(client: GithubClient, db: Db, config: Config, target: GithubTarget, ts: Date): Promise<number> {
	const repository = parseRepositoryKey(target.key);
	const cache = parseContributorsCache(target.metadata);
	const answer = await client.getContributors(repository, cache?.etag);
	let count: number;
	let metadata: Record<string, unknown> = {};
	if (answer.isModified) {
		count = answer.count;
		metadata = { contributorsEtag: answer.etag ?? null, contributorsCount: answer.count };
	} else if (cache) {
		count = cache.count;
	} else {
		throw new CollectorError('invalidResponse', `${target.key} contributors: 304 Not Modified to a request without an ETag`);
	}
	return writeObservation(
		db,
		{ target: { source: 'github', key: target.key, displayName: target.displayName }, ts, values: { contributors: count }, metadata },
		config.counters
	);
}

interface ContributorsRun {
	db: Db;
	config: Config;
	client: GithubClient;
	report: RunProgress;
	options: CollectOptions;
	ts: Date;
}

/** One target without a token: a rate limit leaves it waiting (the host's anonymous budget is spent), not failed. */
async function collectWaitingAware(run: ContributorsRun, target: GithubTarget): Promise<AnonymousOutcome> {
	const { db, report, options } = run;
	try {
		const changedSamples = await collectContributors(run.client, db, run.config, target, run.ts);
		await clearWaiting(db, target, 'github-contributors');
		recordSuccess(report, options, target.key, changedSamples);
	} catch (error) {
		const failure = toCollectorError(error);
		if (failure.kind === 'rateLimited' && !options.signal?.aborted) return 'waiting';
		await recordFailure(db, 'github', report, options, target.key, failure);
	}
	return 'done';
}

/** Without a token: one at a time, with whatever is left of the anonymous budget; returns the keys left waiting. */
async function collectAnonymously(run: ContributorsRun, targets: readonly GithubTarget[]): Promise<string[]> {
	// The daily count runs once: it may spend all that is left (the hourly run has its own share).
	const budget = {
		collector: 'github-contributors' as const,
		stats: run.client.stats,
		maxRequests: Number.POSITIVE_INFINITY,
		report: run.report,
		options: run.options,
		now: run.ts
	};
	const waiting = await collectWithinAnonymousBudget(run.db, budget, targets, (target) => collectWaitingAware(run, target));
	return waiting.map((t) => t.key);
}

/**
 * One run of the daily contributor counts: one REST request per active github target
 * (`GET /repos/{o}/{r}/contributors?per_page=1&anon=true`, the count read from the last page link).
 * With a token, several at once, and a long rate limit stops asking GitHub for the rest of this run.
 * Without one, one at a time with whatever is left of the anonymous budget (anonymous-budget.ts):
 * the targets that do not fit wait for the next run, and go first then.
 */
export async function collectGithubContributors(db: Db, config: Config, options: CollectOptions = {}): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const client = new GithubClient(config.github, config.http, options);
	const targets = await listGithubTargets(db, options.onlyKey);
	let targetsWaiting: string[] = [];
	const report = await recordRun(db, 'github-contributors', options, client.stats, async (report) => {
		const ts = now();
		if (!config.github.token) {
			targetsWaiting = await collectAnonymously({ db, config, client, report, options, ts }, targets);
			return;
		}
		let rateLimit: CollectorError | undefined;
		const limit = pLimit(config.collectConcurrency);
		const collectOne = async (target: GithubTarget) => {
			try {
				if (rateLimit) throw rateLimit;
				const changedSamples = await collectContributors(client, db, config, target, ts);
				await clearWaiting(db, target, 'github-contributors');
				recordSuccess(report, options, target.key, changedSamples);
			} catch (error) {
				const failure = toCollectorError(error);
				if (failure.kind === 'rateLimited') rateLimit = failure;
				await recordFailure(db, 'github', report, options, target.key, failure);
			}
		};
		await Promise.all(targets.map((target) => limit(() => collectOne(target))));
	});
	return { ...report, targetsWaiting };
}
