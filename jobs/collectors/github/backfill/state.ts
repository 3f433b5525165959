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
	updatedAt: z.iso.datetime({ offset: true }).optional()
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
	return {
		stars: { pagesDone: state.starsNextPage - 1, isDone: state.isStarsDone },
		releases: { pagesDone: state.releasesNextPage - 1, isDone: state.isReleasesDone },
		lastProgressAt: state.updatedAt ? new Date(state.updatedAt).toISOString() : null
	};
}
