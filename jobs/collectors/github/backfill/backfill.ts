import type { Config } from '../../../../src/lib/server/config.js';
import type { CounterConfig } from '../../../../src/lib/server/metrics/counters.js';
import type { Db } from '../../../../src/lib/server/db/client.js';
import { upsertEvents } from '../../../../src/lib/server/db/queries/events.js';
import { upsertSamples } from '../../../../src/lib/server/db/queries/samples.js';
import { lockTargetForWrite } from '../../../../src/lib/server/db/queries/collection-targets.js';
import { upsertSeries } from '../../../../src/lib/server/db/queries/targets.js';
import { toCollectorError } from '../../errors.js';
import { recordRun, recordRunFailure, recordSuccess, type CollectOptions, type RunProgress, type RunReport } from '../../run.js';
import type { RepositoryName } from '../graphql.js';
import { listGithubTargets, parseRepositoryKey, type GithubTarget } from '../targets.js';
import { BackfillClient } from './client.js';
import type { StarHistoryWeek } from './parse.js';
import { computeHistoryDailyStars, maxStarHistoryPages, starHistoryNote } from './star-history.js';
import { computeDailyStars, maxStarPages, starsHistoryNote } from './stars.js';
import { hasBudget } from '../../budget.js';
import { isBackfillSettled, readBackfillState, reopenStarsIfDue, saveBackfillState, type BackfillState } from './state.js';

/**
 * History of a GitHub repository, rebuilt once: stars per day (provenance reconstructed) from GitHub's
 * star history (GET /repos/{o}/{r}/stargazers/history, 2026-09-04) where it answers, else from the
 * stargazers list with starred_at; and each published release as an event. Read a page per request
 * across as many runs as the rate budget allows; each stargazers or releases page is written with the
 * progress that follows it in one transaction, so a stopped run resumes at the next page and a page
 * read twice writes the same rows again, which changes nothing.
 *
 * Stars GitHub refuses (no star history, and a stargazers list only for collaborators) settle as
 * unavailable, with the reason, for a week: asking every 10 minutes would get the same answer. A
 * backfill's failures go on its run, never on the target's status (the hourly collector's).
 */

/** How long refused stars stay settled before the backfill asks GitHub again. */
export const starsRetryAfterMs = 7 * 86_400_000;
export const stargazersRefusedReason = 'unavailable: stargazers listing needs collaborator access';

export type BackfillStep = 'releases' | 'stars' | 'star history';

export interface GithubBackfillOptions extends CollectOptions {
	/** Share of the rate budget left at the start that a run may spend (default 0.2). */
	budgetShare?: number;
	/** Requests per run at most (default 200). */
	maxRequests?: number;
	/** Called after each stored page, for the command line's progress lines. */
	onPage?: (key: string, step: BackfillStep, page: number) => void;
}

interface TargetContext {
	db: Db;
	client: BackfillClient;
	/** COUNTER_* settings, for the flags of the rebuilt stars. */
	counters: CounterConfig;
	options: GithubBackfillOptions;
	now: () => Date;
	target: GithubTarget;
	targetId: number;
	repository: RepositoryName;
	state: BackfillState;
	/** Samples inserted or changed for this target so far (releases are events, not samples). */
	changedSamples: number;
	/** The target was removed during the run: nothing more is read or written for it. */
	isRemoved: boolean;
}

/**
 * One page's write, in one transaction, only while the target is still tracked: a target removed
 * during the run gets nothing more (its row is locked against removal for the write).
 */
async function writeIfTracked(ctx: TargetContext, write: (tx: Db) => Promise<void>): Promise<void> {
	await ctx.db.transaction(async (tx) => {
		if ((await lockTargetForWrite(tx, ctx.targetId)) === undefined) ctx.isRemoved = true;
		else await write(tx);
	});
}

function canRequest(ctx: TargetContext): boolean {
	return hasBudget(ctx.client.stats, ctx.options.maxRequests ?? 200, ctx.options.budgetShare ?? 0.2);
}

/** Releases first: a few pages at most, and they are all there is when the stargazers are refused. */
async function backfillReleases(ctx: TargetContext): Promise<void> {
	const { state } = ctx;
	while (!state.isReleasesDone && !ctx.isRemoved && canRequest(ctx)) {
		const page = state.releasesNextPage;
		const listing = await ctx.client.listReleases(ctx.repository, page);
		state.isReleasesDone = listing.isLastPage || listing.items.length === 0;
		state.releasesNextPage = page + 1;
		await writeIfTracked(ctx, async (tx) => {
			const rows = listing.items.map((r) => ({ ts: r.publishedAt, kind: 'release' as const, label: r.tag, url: r.url }));
			await upsertEvents(tx, ctx.targetId, rows);
			await saveBackfillState(tx, ctx.targetId, state, ctx.now());
		});
		ctx.options.onPage?.(ctx.target.key, 'releases', page);
	}
}

/**
 * All weeks of the star history, undefined when GitHub does not serve it here (403, 404, 410), or
 * 'incomplete' when the budget ran out before the last page.
 */
async function readStarHistory(ctx: TargetContext): Promise<StarHistoryWeek[] | undefined | 'incomplete'> {
	const weeks: StarHistoryWeek[] = [];
	for (let page = 1; page <= maxStarHistoryPages; page++) {
		if (!canRequest(ctx)) return 'incomplete';
		const listing = await ctx.client.getStarHistoryPage(ctx.repository, page);
		if (!listing) return undefined;
		weeks.push(...listing.items);
		if (listing.isLastPage || listing.items.length === 0) break;
	}
	return weeks;
}

/**
 * Stars from the star history, asked once before the stargazers. Its pages run newest first while a
 * day's count needs every older week, so the whole history (a few pages, 100 at most) is read before
 * anything is written, then written with the state in one transaction. A run whose budget ends
 * part-way writes nothing, and the next run reads the history again from page 1.
 */
async function backfillStarHistory(ctx: TargetContext): Promise<void> {
	const { state } = ctx;
	if (ctx.isRemoved || state.starsSource !== undefined || state.isStarsDone || state.starsNextPage > 1) return;
	const weeks = await readStarHistory(ctx);
	if (weeks === 'incomplete') return;
	if (weeks === undefined) {
		state.starsSource = 'stargazers';
		await writeIfTracked(ctx, (tx) => saveBackfillState(tx, ctx.targetId, state, ctx.now()));
		return;
	}
	state.starsSource = 'history';
	state.isStarsDone = true;
	await writeIfTracked(ctx, async (tx) => {
		const seriesId = await upsertSeries(tx, ctx.targetId, { metric: 'stars', unit: 'stars', kind: 'counter', note: starHistoryNote });
		const counts = await upsertSamples(tx, seriesId, 'reconstructed', computeHistoryDailyStars(weeks), undefined, ctx.counters);
		ctx.changedSamples += counts.inserted + counts.updated;
		await saveBackfillState(tx, ctx.targetId, state, ctx.now());
	});
	ctx.options.onPage?.(ctx.target.key, 'star history', 1);
}

/** The stars are refused: recorded with the reason and the time to ask again; pages already stored stay. */
async function settleStarsUnavailable(ctx: TargetContext): Promise<void> {
	const now = ctx.now();
	ctx.state.starsUnavailable = {
		reason: stargazersRefusedReason,
		since: now.toISOString(),
		retryAt: new Date(now.getTime() + starsRetryAfterMs).toISOString()
	};
	await writeIfTracked(ctx, (tx) => saveBackfillState(tx, ctx.targetId, ctx.state, now));
}

async function backfillStars(ctx: TargetContext): Promise<void> {
	const { state } = ctx;
	while (!state.isStarsDone && !state.starsUnavailable && !ctx.isRemoved && canRequest(ctx)) {
		const page = state.starsNextPage;
		const listing = await ctx.client.listStargazerDates(ctx.repository, page);
		if (!listing) return settleStarsUnavailable(ctx);
		// Past page 400 GitHub answers 422: the 40,000 stars with dates are all there is.
		state.isStarsDone = listing.isLastPage || listing.items.length === 0 || page >= maxStarPages;
		state.starsNextPage = page + 1;
		await writeIfTracked(ctx, async (tx) => {
			const seriesId = await upsertSeries(tx, ctx.targetId, { metric: 'stars', unit: 'stars', kind: 'counter', note: starsHistoryNote });
			const counts = await upsertSamples(tx, seriesId, 'reconstructed', computeDailyStars(page, listing.items), undefined, ctx.counters);
			ctx.changedSamples += counts.inserted + counts.updated;
			await saveBackfillState(tx, ctx.targetId, state, ctx.now());
		});
		ctx.options.onPage?.(ctx.target.key, 'stars', page);
	}
}

async function backfillTarget(db: Db, client: BackfillClient, counters: CounterConfig, options: GithubBackfillOptions, target: GithubTarget, report: RunProgress) {
	const now = options.now ?? (() => new Date());
	try {
		const repository = parseRepositoryKey(target.key);
		const state = reopenStarsIfDue(readBackfillState(target.metadata), now());
		const ctx: TargetContext = { db, client, counters, options, now, target, targetId: target.id, repository, state, changedSamples: 0, isRemoved: false };
		await backfillReleases(ctx);
		await backfillStarHistory(ctx);
		await backfillStars(ctx);
		recordSuccess(report, options, target.key, ctx.changedSamples);
	} catch (error) {
		recordRunFailure(report, options, target.key, toCollectorError(error));
	}
}

/**
 * One run of the GitHub history backfill over the active github targets whose backfill is not settled
 * (or only options.onlyKey), one target after another so that the budget is spent on finishing one
 * repository before starting the next. Targets reached after the budget is spent are left for the next run.
 */
export async function backfillGithub(db: Db, config: Config, options: GithubBackfillOptions = {}): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const client = new BackfillClient(config.github, config.http, options);
	const targets = (await listGithubTargets(db, options.onlyKey)).filter((t) => !isBackfillSettled(readBackfillState(t.metadata), now()));
	return recordRun(db, 'github-backfill', options, client.stats, async (report) => {
		for (const target of targets) {
			if (!hasBudget(client.stats, options.maxRequests ?? 200, options.budgetShare ?? 0.2)) break;
			// Checked here too because a target's first step is a write, before any request.
			if (options.signal?.aborted) return report.interrupted(target.key);
			await backfillTarget(db, client, config.counters, options, target, report);
		}
	});
}
