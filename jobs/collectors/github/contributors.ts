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

/** One target without a token: a rate limit leaves it waiting (the host's anonymous budget is spent), not failed. */
async function collectWaitingAware(client: GithubClient, db: Db, config: Config, run: { report: RunProgress; options: CollectOptions; ts: Date }, target: GithubTarget): Promise<AnonymousOutcome> {
	try {
		const changedSamples = await collectContributors(client, db, config, target, run.ts);
		await clearWaiting(db, target, 'github-contributors');
		recordSuccess(run.report, run.options, target.key, changedSamples);
	} catch (error) {
		const failure = toCollectorError(error);
		if (failure.kind === 'rateLimited' && !run.options.signal?.aborted) return 'waiting';
		await recordFailure(db, 'github', run.report, run.options, target.key, failure);
	}
	return 'done';
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
			const run = { collector: 'github-contributors' as const, stats: client.stats, maxRequests: Number.POSITIVE_INFINITY, report, options, now: ts };
			const waiting = await collectWithinAnonymousBudget(db, run, targets, (target) => collectWaitingAware(client, db, config, { report, options, ts }, target));
			targetsWaiting = waiting.map((t) => t.key);
			return;
		}
		let rateLimit: CollectorError | undefined;
		const limit = pLimit(config.collectConcurrency);
		const collectOne = async (target: GithubTarget) => {
			try {
				if (rateLimit) throw rateLimit;
				recordSuccess(report, options, target.key, await collectContributors(client, db, config, target, ts));
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
