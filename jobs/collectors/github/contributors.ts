import pLimit from 'p-limit';
import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { writeObservation } from '../../observations.js';
import { CollectorError, toCollectorError } from '../errors.js';
import { recordFailure, recordRun, recordSuccess, type CollectOptions, type RunReport } from '../run.js';
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

/**
 * One run of the daily contributor counts: one REST request per active github target
 * (`GET /repos/{o}/{r}/contributors?per_page=1&anon=true`, the count read from the last page link),
 * several at once. A long rate limit stops asking GitHub for the rest of this run.
 */
export async function collectGithubContributors(db: Db, config: Config, options: CollectOptions = {}): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const client = new GithubClient(config.github, config.http, options);
	const targets = await listGithubTargets(db, options.onlyKey);
	return recordRun(db, 'github-contributors', options, client.stats, async (report) => {
		const ts = now();
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
}
