import { sql } from 'drizzle-orm';
import type { Config } from '../../src/lib/server/config.js';
import { queryRows, type Db } from '../../src/lib/server/db/client.js';
import type { RunFailure, RunStatus } from '../../src/lib/server/db/schema/index.js';
import { getScheduleIntervalMs, listCollectorSchedules } from '../schedules.js';

/** How each collector is doing, for GET /api/collection and the health page. */

export interface RunView {
	id: number;
	startedAt: string;
	finishedAt: string | null;
	status: RunStatus;
	targetsDone: number;
	targetsFailed: number;
	failures: RunFailure[];
	requestsMade: number;
	rateBudgetLeft: number | null;
}

export interface CollectorHealth {
	collector: string;
	cron: string;
	intervalMs: number;
	lastSuccessAt: string | null;
	/** No success for longer than twice the schedule's interval (or none yet, after a failure). */
	isOverdue: boolean;
	recentRuns: RunView[];
}

interface RunRow {
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
function listRecentRunRows(db: Db, perCollector: number): Promise<RunRow[]> {
	return queryRows<RunRow>(
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

async function listLastSuccesses(db: Db): Promise<Map<string, number>> {
	const rows = await queryRows<{ collector: string; at_ms: number }>(
		db,
		sql`select collector, (extract(epoch from max(finished_at)) * 1000)::float8 as at_ms
			from collection_runs where status in ('ok', 'partial') group by collector`
	);
	return new Map(rows.map((r) => [r.collector, Number(r.at_ms)]));
}

function toRunView(row: RunRow): RunView {
	return {
		id: row.id,
		startedAt: new Date(Number(row.started_ms)).toISOString(),
		finishedAt: row.finished_ms === null ? null : new Date(Number(row.finished_ms)).toISOString(),
		status: row.status,
		targetsDone: row.targets_done,
		targetsFailed: row.targets_failed,
		failures: row.failures,
		requestsMade: row.requests_made,
		rateBudgetLeft: row.rate_budget_left
	};
}

export async function getCollectionHealth(db: Db, config: Config, now: Date, perCollector = 10): Promise<CollectorHealth[]> {
	const [rows, successes] = await Promise.all([listRecentRunRows(db, perCollector), listLastSuccesses(db)]);
	return listCollectorSchedules(config).map(({ collector, cron }) => {
		const intervalMs = getScheduleIntervalMs(cron, now);
		const recentRuns = rows.filter((r) => r.collector === collector).map(toRunView);
		const lastSuccessMs = successes.get(collector);
		const isOverdue = lastSuccessMs === undefined ? recentRuns.length > 0 : now.getTime() - lastSuccessMs > 2 * intervalMs;
		return {
			collector,
			cron,
			intervalMs,
			lastSuccessAt: lastSuccessMs === undefined ? null : new Date(lastSuccessMs).toISOString(),
			isOverdue,
			recentRuns
		};
	});
}
