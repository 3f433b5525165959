import { z } from 'zod';
import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { upsertSamples } from '../../../src/lib/server/db/queries/samples.js';
import { upsertSeries } from '../../../src/lib/server/db/queries/targets.js';
import { computeCumulativeContributors } from '../../../src/lib/server/metrics/contributors.js';
import { monthEndStamp, monthEndStampNote } from '../../../src/lib/server/time.js';
import { lockTargetForWrite, mergeTargetMetadata } from '../../../src/lib/server/db/queries/collection-targets.js';
import type { BackfillParts } from '../../../src/lib/types/health.js';
import { toCollectorError } from '../errors.js';
import { hasBudget } from '../budget.js';
import { recordRun, recordRunFailure, recordSuccess, type CollectOptions, type RunReport } from '../run.js';
import { GithubClient } from './client.js';
import type { CommitAuthor } from './parse.js';
import { listGithubTargets, parseRepositoryKey, type GithubTarget } from './targets.js';

/**
 * Contributors over time, rebuilt from a repository's commits: each identity counts from the month of
 * its first commit, and the series is the cumulative count per month (provenance reconstructed). The
 * commit list is read a page per request across as many runs as the rate budget allows; progress and
 * the first month of every identity seen so far are kept on the target, so a stopped run resumes.
 */

export const contributorHistoryNote =
	'Reconstructed monthly: distinct contributors whose first commit (author date, UTC) is in or before ' +
	'the month, from the commit list of the default branch. An identity is a GitHub account, or a ' +
	'lower-cased e-mail for commits no account matches (one person with both counts twice); bots ' +
	'(logins ending in [bot]) are left out; co-authors are not counted. Observed daily values count ' +
	"GitHub's contributors list instead, anonymous contributors included. Rebuilt values are kept only " +
	'before the first observed one, so the series switches definition once, there. ' +
	monthEndStampNote;

/** The progress kept in targets.metadata.contributorHistory. */
export const historyStateSchema = z.object({
	nextPage: z.number().int().min(1),
	isDone: z.boolean(),
	/** identity -> YYYY-MM of its earliest commit seen so far. */
	firstMonths: z.record(z.string(), z.string()).catch({})
});

export type HistoryState = z.infer<typeof historyStateSchema>;

export interface ContributorHistoryOptions extends CollectOptions {
	/** Requests per run at most (default 200). */
	maxRequests?: number;
	/** Share of the rate budget left that a run may spend (default 0.2). */
	budgetShare?: number;
}

export function identityOf(author: CommitAuthor): string | undefined {
	if (author.login) return author.login.endsWith('[bot]') ? undefined : `login:${author.login.toLowerCase()}`;
	const email = author.email?.toLowerCase();
	if (!email || email.includes('[bot]')) return undefined;
	return `email:${email}`;
}

/** Adds a page of commits: an identity keeps the earliest month it has been seen in. */
export function mergeFirstMonths(firstMonths: Record<string, string>, authors: readonly CommitAuthor[]): void {
	for (const author of authors) {
		const identity = identityOf(author);
		const month = new Date(author.date).toISOString().slice(0, 7);
		if (identity && (!firstMonths[identity] || month < firstMonths[identity])) firstMonths[identity] = month;
	}
}

// One definition, shared with the scorecard's distinct contributors across repositories.
export { computeCumulativeContributors };

// The same shape read leniently, field by field: what is missing or malformed starts over.
const lenientStateSchema = z
	.object({
		nextPage: historyStateSchema.shape.nextPage.catch(1),
		isDone: historyStateSchema.shape.isDone.catch(false),
		firstMonths: historyStateSchema.shape.firstMonths
	})
	.catch({ nextPage: 1, isDone: false, firstMonths: {} });

function readState(target: GithubTarget): HistoryState {
	return lenientStateSchema.parse(target.metadata.contributorHistory ?? {});
}

/** The contributors part of the health page's backfill table; a malformed state shows as not started. */
export function readContributorHistoryProgress(metadata: Record<string, unknown>): Partial<BackfillParts> {
	const saved = historyStateSchema.safeParse(metadata.contributorHistory);
	if (!saved.success) return {};
	const { nextPage, isDone, firstMonths } = saved.data;
	return { contributors: { pagesDone: nextPage - 1, isDone, identities: Object.keys(firstMonths).length } };
}

/** Saves a page's progress, and the series once the last page is in; returns the samples changed. */
async function saveProgress(db: Db, config: Config, target: GithubTarget, state: HistoryState, lastMonth: string): Promise<number> {
	return db.transaction(async (tx) => {
		// A target removed since the run listed it gets nothing, and stays removed.
		const targetId = await lockTargetForWrite(tx, target.id);
		if (targetId === undefined) return 0;
		let changedSamples = 0;
		if (state.isDone) {
			const seriesId = await upsertSeries(tx, targetId, { metric: 'contributors', unit: 'contributors', kind: 'counter', note: contributorHistoryNote });
			const samples = computeCumulativeContributors(state.firstMonths, lastMonth).map(([month, value]) => ({
				ts: monthEndStamp(month),
				value
			}));
			const counts = await upsertSamples(tx, seriesId, 'reconstructed', samples, undefined, config.counters);
			changedSamples = counts.inserted + counts.updated;
		}
		await mergeTargetMetadata(tx, target.id, { contributorHistory: state });
		return changedSamples;
	});
}

export async function backfillContributorHistory(db: Db, config: Config, options: ContributorHistoryOptions = {}): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const client = new GithubClient(config.github, config.http, options);
	const targets = await listGithubTargets(db, options.onlyKey);
	return recordRun(db, 'github-contributor-history', options, client.stats, async (report) => {
		// Months that have ended; the current one is still filling.
		const lastMonth = new Date(Date.UTC(now().getUTCFullYear(), now().getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
		for (const target of targets) {
			const state = readState(target);
			if (state.isDone) continue;
			try {
				const repository = parseRepositoryKey(target.key);
				let changedSamples = 0;
				while (!state.isDone && hasBudget(client.stats, options.maxRequests ?? 200, options.budgetShare ?? 0.2)) {
					const page = await client.listCommitAuthors(repository, state.nextPage);
					mergeFirstMonths(state.firstMonths, page.authors);
					state.nextPage++;
					state.isDone = page.isLastPage;
					changedSamples += await saveProgress(db, config, target, state, lastMonth);
				}
				recordSuccess(report, options, target.key, changedSamples);
			} catch (error) {
				recordRunFailure(report, options, target.key, toCollectorError(error));
			}
		}
	});
}
