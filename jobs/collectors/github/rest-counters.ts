import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { writeObservation } from '../../observations.js';
import type { CollectOptions, RunProgress } from '../run.js';
import { collectWithinAnonymousBudget } from './anonymous-budget.js';
import type { GithubClient } from './client.js';
import { parseRepositoryKey, type GithubTarget } from './targets.js';

/**
 * The hourly counters without a token. GraphQL answers 401 to a caller without one, so each
 * repository is one REST request (GET /repos/{o}/{r}): stars, forks and watchers. Open issues and
 * releases are not collected in this mode: REST's open_issues_count mixes in pull requests, and
 * counting either properly would cost a second request per repository (search or a listing) out
 * of a budget of 60 an hour; their series simply get no new samples until a token is set.
 */

export interface RestRun {
	db: Db;
	config: Config;
	client: GithubClient;
	report: RunProgress;
	options: CollectOptions;
	/** One timestamp for the whole run: samples of one poll line up across targets. */
	ts: Date;
}

async function collectRepository(run: RestRun, target: GithubTarget): Promise<number> {
	const { counts, dockerhubImages } = await run.client.getRepository(parseRepositoryKey(target.key));
	return writeObservation(
		run.db,
		{ target: { source: 'github', key: target.key, displayName: target.displayName }, ts: run.ts, values: { ...counts }, metadata: { dockerhubImages } },
		run.config.counters
	);
}

/**
 * Collects what the run's share of the anonymous budget allows; returns the keys left waiting for the
 * next run. A target added by hand (onlyKey) may use whatever budget is left: it is one request.
 */
export async function collectRestCounters(run: RestRun, targets: readonly GithubTarget[]): Promise<string[]> {
	const maxRequests = run.options.onlyKey ? Number.POSITIVE_INFINITY : run.config.github.anonymousHourlyRequests;
	const waiting = await collectWithinAnonymousBudget(
		run.db,
		{ collector: 'github', stats: run.client.stats, maxRequests, report: run.report, options: run.options, now: run.ts },
		targets,
		(target) => collectRepository(run, target)
	);
	return waiting.map((t) => t.key);
}
