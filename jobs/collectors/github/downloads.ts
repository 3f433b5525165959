import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { writeObservation } from '../../observations.js';
import type { CollectOptions, RunReport } from '../run.js';
import type { GithubClient } from './client.js';
import { runDailyGithubCollector } from './daily-run.js';
import { parseRepositoryKey, type GithubTarget } from './targets.js';

/**
 * Release downloads: the sum of `download_count` over every asset of every release of a repository,
 * the only public download figure GitHub keeps (boot2docker's ISO, docker/toolbox's installers). A
 * proxy: files downloaded from GitHub releases only, and the series' note says so. A repository
 * without releases counts 0.
 */

export const releaseDownloadsNote =
	'A proxy: files downloaded from GitHub releases only (the sum of every release asset download_count, ' +
	'cumulative), not installs made any other way';

// No repository has anywhere near 100 pages of 100 releases; the bound keeps a misbehaving link
// header from looping a run for ever.
const maxPages = 100;

/** Sums every page of the releases listing; returns the samples written. */
async function collectDownloads(client: GithubClient, db: Db, config: Config, target: GithubTarget, ts: Date): Promise<number> {
	const repository = parseRepositoryKey(target.key);
	let downloads = 0;
	for (let page = 1; page <= maxPages; page++) {
		const answer = await client.getReleaseDownloads(repository, page);
		downloads += answer.downloads;
		if (answer.isLastPage) break;
	}
	const observed = { source: 'github', key: target.key, displayName: target.displayName } as const;
	return writeObservation(db, { target: observed, ts, values: { downloads }, notes: { downloads: releaseDownloadsNote } }, config.counters);
}

/**
 * One run of the daily release downloads: `GET /repos/{o}/{r}/releases?per_page=100`, page by page,
 * per active github target; within the anonymous budget without a token (daily-run.ts).
 */
export async function collectGithubDownloads(db: Db, config: Config, options: CollectOptions = {}): Promise<RunReport> {
	return runDailyGithubCollector(db, config, options, 'github-downloads', (client, target, ts) => collectDownloads(client, db, config, target, ts));
}
