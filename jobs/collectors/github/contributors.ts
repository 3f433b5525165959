import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { writeObservation } from '../../observations.js';
import { CollectorError } from '../errors.js';
import type { CollectOptions, RunReport } from '../run.js';
import type { GithubClient } from './client.js';
import { runDailyGithubCollector } from './daily-run.js';
import { parseContributorsCache } from './parse.js';
import { parseRepositoryKey, type GithubTarget } from './targets.js';

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
 * within the anonymous budget without a token (daily-run.ts).
 */
export async function collectGithubContributors(db: Db, config: Config, options: CollectOptions = {}): Promise<RunReport> {
	return runDailyGithubCollector(db, config, options, 'github-contributors', (client, target, ts) => collectContributors(client, db, config, target, ts));
}
