import pLimit from 'p-limit';
import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { createObservationWriter, type ObservationWriter } from '../../observation-writer.js';
import { toCollectorError, type CollectorError } from '../errors.js';
import { recordFailure, recordRun, recordSuccess, type CollectOptions, type RunReport } from '../run.js';
import { GithubClient } from './client.js';
import type { RepositoryName } from './graphql.js';
import { toRepositoryObservation, type RepositoryResult } from './parse.js';
import { clearWaiting } from './anonymous-budget.js';
import { collectRestCounters, type RestRun } from './rest-counters.js';
import { listGithubTargets, parseRepositoryKey, type GithubTarget } from './targets.js';

export { collectGithubContributors } from './contributors.js';
export { collectGithubDownloads } from './downloads.js';

/** What every batch of one GraphQL run shares: what a REST run has, the run's rate limit and its writer. */
interface RunContext extends RestRun {
	/** Set by the first long rate limit: later batches fail with it instead of asking GitHub. */
	rateLimit: CollectorError | undefined;
	/** A batch's answers are handed over together, and written in one transaction (or a few). */
	writer: ObservationWriter;
}

function toBatches<T>(items: readonly T[], size: number): T[][] {
	const batches: T[][] = [];
	for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
	return batches;
}

/** Writes one repository's counters (all or nothing) or records why there are none. */
async function storeResult(ctx: RunContext, target: GithubTarget, result: RepositoryResult): Promise<void> {
	if ('error' in result) return recordFailure(ctx.db, 'github', ctx.report, ctx.options, target.key, result.error);
	try {
		const changedSamples = await ctx.writer.write({
			target: { source: 'github', key: target.key, displayName: target.displayName },
			ts: ctx.ts,
			...toRepositoryObservation(result.counts)
		});
		// A repository that waited for the anonymous budget before a token was set waits no more.
		await clearWaiting(ctx.db, target, 'github');
		recordSuccess(ctx.report, ctx.options, target.key, changedSamples);
	} catch (error) {
		await recordFailure(ctx.db, 'github', ctx.report, ctx.options, target.key, toCollectorError(error));
	}
}

/** Asks GitHub for one batch; a failure of the whole request fails each of its repositories. */
async function queryBatch(ctx: RunContext, names: RepositoryName[]): Promise<RepositoryResult[]> {
	try {
		if (ctx.rateLimit) throw ctx.rateLimit;
		return (await ctx.client.queryRepositories(names)).repositories;
	} catch (error) {
		const failure = toCollectorError(error);
		if (failure.kind === 'rateLimited') ctx.rateLimit = failure;
		return names.map(() => ({ error: failure }));
	}
}

async function collectBatch(ctx: RunContext, batch: GithubTarget[]): Promise<void> {
	const valid: { target: GithubTarget; name: RepositoryName }[] = [];
	for (const target of batch) {
		try {
			valid.push({ target, name: parseRepositoryKey(target.key) });
		} catch (error) {
			await recordFailure(ctx.db, 'github', ctx.report, ctx.options, target.key, toCollectorError(error));
		}
	}
	if (valid.length === 0) return;
	const results = await queryBatch(ctx, valid.map((v) => v.name));
	await Promise.all(valid.map(({ target }, i) => storeResult(ctx, target, results[i]!)));
}

/**
 * One run of the hourly GitHub counters for every active github target. With a token: stars, forks,
 * watchers, open issues and releases, config.github.batchSize repositories per GraphQL request, several
 * requests at once (COLLECT_CONCURRENCY); a long rate limit stops asking GitHub for the rest of this
 * run, and those targets are recorded as rateLimited. Without one (GraphQL needs a token): stars,
 * forks and watchers over REST within the anonymous budget (rest-counters.ts); what does not fit
 * waits for the next run, listed in targetsWaiting. One repository's failure never stops the others.
 */
export async function collectGithub(db: Db, config: Config, options: CollectOptions = {}): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const client = new GithubClient(config.github, config.http, options);
	const targets = await listGithubTargets(db, options.onlyKey);
	let targetsWaiting: string[] = [];
	const report = await recordRun(db, 'github', options, client.stats, async (report) => {
		if (!config.github.token) {
			targetsWaiting = await collectRestCounters({ db, config, client, report, options, ts: now() }, targets);
			return;
		}
		const writer = createObservationWriter(db, config.counters);
		const ctx: RunContext = { db, config, client, report, options, ts: now(), rateLimit: undefined, writer };
		const limit = pLimit(config.collectConcurrency);
		await Promise.all(toBatches(targets, config.github.batchSize).map((batch) => limit(() => collectBatch(ctx, batch))));
	});
	return { ...report, targetsWaiting };
}
