import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../../../src/lib/server/db/client.js';

/**
 * How far a repository's history backfill has got, kept in targets.metadata.backfill so that a run
 * stopped by its budget, a crash or a deploy resumes at the next page. Saved in the same transaction
 * as the page's samples and events: the stored page and the stored data never disagree.
 */
export interface BackfillState {
	/**
	 * Where the stars come from: GitHub's star history when it answered, the stargazers with starred_at
	 * when it did not; unset until the history has been asked.
	 */
	starsSource?: 'history' | 'stargazers';
	starsNextPage: number;
	releasesNextPage: number;
	isStarsDone: boolean;
	isReleasesDone: boolean;
	updatedAt?: string;
}

const pageNumber = z.number().int().min(1).catch(1);
const stateSchema = z
	.object({
		starsSource: z.enum(['history', 'stargazers']).optional().catch(undefined),
		starsNextPage: pageNumber,
		releasesNextPage: pageNumber,
		isStarsDone: z.boolean().catch(false),
		isReleasesDone: z.boolean().catch(false),
		updatedAt: z.string().optional().catch(undefined)
	})
	.catch({ starsNextPage: 1, releasesNextPage: 1, isStarsDone: false, isReleasesDone: false });

/** The saved state, leniently: anything missing or malformed starts that part over from page 1. */
export function readBackfillState(metadata: Record<string, unknown>): BackfillState {
	return stateSchema.parse(metadata.backfill ?? {});
}

export function isBackfillDone(state: BackfillState): boolean {
	return state.isStarsDone && state.isReleasesDone;
}

export async function saveBackfillState(db: Db, targetId: number, state: BackfillState, now: Date): Promise<void> {
	const backfill: BackfillState = { ...state, updatedAt: now.toISOString() };
	await db.execute(sql`update targets set metadata = metadata || ${JSON.stringify({ backfill })}::jsonb where id = ${targetId}`);
}
