import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { collectionRuns, type RunFailure, type RunStatus } from '../schema/index.js';

export interface RunOutcome {
	status: Exclude<RunStatus, 'running'>;
	targetsDone: number;
	targetsFailed: number;
	failures: RunFailure[];
	requestsMade: number;
	rateBudgetLeft: number | undefined;
}

/** Records that a collector started; returns the run's id. */
export async function insertRun(db: Db, collector: string, startedAt: Date): Promise<number> {
	const [row] = await db.insert(collectionRuns).values({ collector, startedAt }).returning({ id: collectionRuns.id });
	if (!row) throw new Error('insertRun returned no row');
	return row.id;
}

export async function finishRun(db: Db, runId: number, finishedAt: Date, outcome: RunOutcome): Promise<void> {
	await db
		.update(collectionRuns)
		.set({ ...outcome, rateBudgetLeft: outcome.rateBudgetLeft ?? null, finishedAt })
		.where(eq(collectionRuns.id, runId));
}

export function listRecentRuns(db: Db, collector: string, limit = 20) {
	return db
		.select()
		.from(collectionRuns)
		.where(eq(collectionRuns.collector, collector))
		.orderBy(desc(collectionRuns.startedAt), desc(collectionRuns.id))
		.limit(limit);
}

/** Closes runs a crash left open, so that health pages do not show them running for ever. */
export async function failAbandonedRuns(db: Db, collector: string, olderThan: Date): Promise<void> {
	await db.execute(sql`update collection_runs set status = 'failed', finished_at = now()
		where collector = ${collector} and status = 'running' and started_at < ${olderThan.toISOString()}::timestamptz`);
	// failures keeps its [] default: the run's own failures were never recorded.
}
