import type { Config } from '../../src/lib/server/config.js';
import type { Db } from '../../src/lib/server/db/client.js';
import { listLastSuccesses, listRecentRunsPerCollector, type RecentRunRow } from '../../src/lib/server/db/queries/runs.js';
import type { CollectorHealth, RunView } from '../../src/lib/types/health.js';
import { memoUnderVersion } from '../../src/lib/server/cache/version-memo.js';
import { getScheduleIntervalMs } from '../cron-interval.js';
import { collectors } from '../registry.js';

/** How each registered collector is doing, for GET /api/collection, the health page and the overview. */

function toRunView(row: RecentRunRow): RunView {
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

/**
 * With the data version the caller read, the runs are read once per version for all callers; whether
 * a collector is overdue is judged at `now` every time, since a collector that stopped writes nothing.
 */
export async function getCollectionHealth(db: Db, config: Config, now: Date, perCollector = 10, version?: string): Promise<CollectorHealth[]> {
	const read = () => Promise.all([listRecentRunsPerCollector(db, perCollector), listLastSuccesses(db)]);
	const [rows, successes] = await (version === undefined ? read() : memoUnderVersion(db, `collector-runs:${perCollector}`, version, read));
	return collectors.map((entry) => {
		const cron = entry.cron(config);
		const intervalMs = getScheduleIntervalMs(cron);
		const recentRuns = rows.filter((r) => r.collector === entry.name).map(toRunView);
		const lastSuccessMs = successes.get(entry.name);
		const isOverdue = lastSuccessMs === undefined ? recentRuns.length > 0 : now.getTime() - lastSuccessMs > 2 * intervalMs;
		return {
			collector: entry.name,
			cron,
			intervalMs,
			lastSuccessAt: lastSuccessMs === undefined ? null : new Date(lastSuccessMs).toISOString(),
			isOverdue,
			recentRuns
		};
	});
}
