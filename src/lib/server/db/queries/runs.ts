import { desc, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import { collectionRuns, type RunFailure, type RunStatus } from '../schema/index.js';

export interface RunOutcome {
	status: Exclude<RunStatus, 'running'>;
	targetsDone: number;
	targetsFailed: number;
	failures: RunFailure[];
	requestsMade: number;
	rateBudgetLeft: number | undefined;
}

/** Records that a collector started; returns the run's id. `owner`: formatProcessOwner of the process running it. */
export async function insertRun(db: Db, collector: string, startedAt: Date, owner?: string): Promise<number> {
	const [row] = await db.insert(collectionRuns).values({ collector, startedAt, owner }).returning({ id: collectionRuns.id });
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

/**
 * Closes a collector's runs still open since before `olderThan`, except those of processes on
 * `exceptHost` (which are judged by their process instead): the fallback for runs a crash left open on
 * another host, or before runs named their process.
 */
export async function failAbandonedRuns(db: Db, collector: string, olderThan: Date, exceptHost: string, failure: RunFailure): Promise<void> {
	await db.execute(sql`update collection_runs set status = 'failed', finished_at = now(), failures = ${JSON.stringify([failure])}::jsonb
		where collector = ${collector} and status = 'running' and started_at < ${olderThan.toISOString()}::timestamptz
			and (owner is null or split_part(owner, '/', 1) <> ${exceptHost})`);
}

export interface OpenRun {
	id: number;
	collector: string;
	owner: string | null;
}

/** The runs still marked running (of one collector, or all), oldest first. */
export function listOpenRuns(db: Db, collector?: string): Promise<OpenRun[]> {
	return queryRows<OpenRun>(
		db,
		sql`select id, collector, owner from collection_runs
			where status = 'running' ${collector === undefined ? sql`` : sql`and collector = ${collector}`} order by id`
	);
}

/** Closes these runs as failed with `failure`; a run that has been closed meanwhile is left as it is. */
export async function failOpenRuns(db: Db, runIds: readonly number[], failure: RunFailure): Promise<void> {
	if (runIds.length === 0) return;
	await db.execute(sql`update collection_runs set status = 'failed', finished_at = now(), failures = ${JSON.stringify([failure])}::jsonb
		where id = any(${sql.param(runIds)}::int[]) and status = 'running'`);
}

export interface RecentRunRow {
	id: number;
	collector: string;
	started_ms: number;
	finished_ms: number | null;
	status: RunStatus;
	targets_done: number;
	targets_failed: number;
	failures: RunFailure[];
	requests_made: number;
	rate_budget_left: number | null;
}

/** The last `perCollector` runs of every collector, in one statement (a window over the runs index). */
export function listRecentRunsPerCollector(db: Db, perCollector: number): Promise<RecentRunRow[]> {
	return queryRows<RecentRunRow>(
		db,
		sql`select id, collector, (extract(epoch from started_at) * 1000)::float8 as started_ms,
				(extract(epoch from finished_at) * 1000)::float8 as finished_ms, status, targets_done, targets_failed,
				failures, requests_made, rate_budget_left
			from (
				select *, row_number() over (partition by collector order by started_at desc, id desc) as n
				from collection_runs
			) ranked
			where n <= ${perCollector}
			order by collector, started_at desc, id desc`
	);
}

/** When each collector last finished a run that succeeded at least in part, in epoch milliseconds. */
export async function listLastSuccesses(db: Db): Promise<Map<string, number>> {
	const rows = await queryRows<{ collector: string; at_ms: number }>(
		db,
		sql`select collector, (extract(epoch from max(finished_at)) * 1000)::float8 as at_ms
			from collection_runs where status in ('ok', 'partial') group by collector`
	);
	return new Map(rows.map((r) => [r.collector, Number(r.at_ms)]));
}
