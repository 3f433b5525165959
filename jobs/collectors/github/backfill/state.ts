import { z } from 'zod';
import type { Db } from '../../../../src/lib/server/db/client.js';
import { mergeTargetMetadata } from '../../../../src/lib/server/db/queries/collection-targets.js';
import type { BackfillParts } from '../../../../src/lib/types/health.js';

/**
 * How far a repository's history backfill has got, kept in targets.metadata.backfill so that a run
 * stopped by its budget, a crash or a deploy resumes at the next page. Saved in the same transaction
 * as the page's samples and events: the stored page and the stored data never disagree.
 */
const pageNumber = z.number().int().min(1);
const instant = z.iso.datetime({ offset: true });

/**
 * The stars of a repository whose history GitHub refuses (no star history, and the stargazers list
 * only for collaborators): why, and when to ask again. Settled until then, so that the backfill stops
 * asking every 10 minutes.
 */
const unavailableSchema = z.object({ reason: z.string().min(1), since: instant, retryAt: instant });
export type StarsUnavailable = z.infer<typeof unavailableSchema>;

export const backfillStateSchema = z.object({
	/**
	 * Where the stars come from: GitHub's star history when it answered, the stargazers with starred_at
	 * when it did not; unset until the history has been asked.
	 */
	starsSource: z.enum(['history', 'stargazers']).optional(),
	starsNextPage: pageNumber,
	releasesNextPage: pageNumber,
	isStarsDone: z.boolean(),
	isReleasesDone: z.boolean(),
	starsUnavailable: unavailableSchema.optional(),
	updatedAt: instant.optional()
});

export type BackfillState = z.infer<typeof backfillStateSchema>;

// The same shape read leniently, field by field: anything missing or malformed starts that part over.
const { shape } = backfillStateSchema;
const lenientStateSchema = z
	.object({
		starsSource: shape.starsSource.catch(undefined),
		starsNextPage: shape.starsNextPage.catch(1),
		releasesNextPage: shape.releasesNextPage.catch(1),
		isStarsDone: shape.isStarsDone.catch(false),
		isReleasesDone: shape.isReleasesDone.catch(false),
		starsUnavailable: shape.starsUnavailable.catch(undefined),
		updatedAt: shape.updatedAt.catch(undefined)
	})
	.catch({ starsNextPage: 1, releasesNextPage: 1, isStarsDone: false, isReleasesDone: false });

/** The saved state, leniently: anything missing or malformed starts that part over from page 1. */
export function readBackfillState(metadata: Record<string, unknown>): BackfillState {
	return lenientStateSchema.parse(metadata.backfill ?? {});
}

export function isBackfillDone(state: BackfillState): boolean {
	return state.isStarsDone && state.isReleasesDone;
}

/** Done, or nothing left but stars GitHub refuses until their retry time: no request to make now. */
export function isBackfillSettled(state: BackfillState, now: Date): boolean {
	if (isBackfillDone(state)) return true;
	return state.isReleasesDone && state.starsUnavailable !== undefined && now.getTime() < Date.parse(state.starsUnavailable.retryAt);
}

/**
 * Stars refused earlier whose retry time has come start over: the star history first (GitHub may
 * serve it by now), then the stargazers from page 1.
 */
export function reopenStarsIfDue(state: BackfillState, now: Date): BackfillState {
	if (!state.starsUnavailable || now.getTime() < Date.parse(state.starsUnavailable.retryAt)) return state;
	const { starsUnavailable: _settled, starsSource: _source, ...rest } = state;
	return { ...rest, starsNextPage: 1, isStarsDone: false };
}

export async function saveBackfillState(db: Db, targetId: number, state: BackfillState, now: Date): Promise<void> {
	const backfill: BackfillState = { ...state, updatedAt: now.toISOString() };
	await mergeTargetMetadata(db, targetId, { backfill });
}

/**
 * The stars and releases parts of the health page's backfill table. Read strictly: a saved state that
 * is malformed shows as not started rather than as a made-up page.
 */
export function readBackfillProgress(metadata: Record<string, unknown>): Partial<BackfillParts> {
	const saved = backfillStateSchema.safeParse(metadata.backfill);
	if (!saved.success) return {};
	const state = saved.data;
	const unavailable = state.starsUnavailable;
	return {
		stars: { pagesDone: state.starsNextPage - 1, isDone: state.isStarsDone },
		starsUnavailable: unavailable ? { reason: unavailable.reason, retryAt: new Date(unavailable.retryAt).toISOString() } : null,
		releases: { pagesDone: state.releasesNextPage - 1, isDone: state.isReleasesDone },
		lastProgressAt: state.updatedAt ? new Date(state.updatedAt).toISOString() : null
	};
}
