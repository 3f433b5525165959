import type { Config } from '../../src/lib/server/config.js';
import type { Db } from '../../src/lib/server/db/client.js';
import { getRetentionView } from '../../src/lib/server/retention/status.js';
import type { FailureCount, HealthView, RunFailureKind, RunView } from '../../src/lib/types/health.js';
import { describeCredentials, listCredentials } from '../credentials.js';
import { listBackfillProgress } from './backfill.js';
import { getCollectionHealth } from './runs.js';
import { listBudgetWaitNotes } from './waiting.js';

/** Everything the /health page shows: collectors, their failures, backfill progress, credentials, retention. */

export function countFailuresByKind(runs: readonly RunView[]): FailureCount[] {
	const byKind = new Map<RunFailureKind, FailureCount>();
	for (const failure of runs.flatMap((r) => r.failures)) {
		const entry = byKind.get(failure.kind) ?? { kind: failure.kind, count: 0, targets: [] };
		entry.count++;
		if (!entry.targets.includes(failure.target)) entry.targets.push(failure.target);
		byKind.set(failure.kind, entry);
	}
	return [...byKind.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

export async function getHealthView(db: Db, config: Config, now: Date): Promise<HealthView> {
	const [health, backfill, waits, retention] = await Promise.all([
		getCollectionHealth(db, config, now),
		listBackfillProgress(db),
		listBudgetWaitNotes(db),
		getRetentionView(db, config.retention)
	]);
	const collectors = health.map((c) => ({ ...c, failureCounts: countFailuresByKind(c.recentRuns) }));
	return {
		collectors,
		overdue: collectors.filter((c) => c.isOverdue),
		backfill,
		credentials: listCredentials(config),
		notes: [...describeCredentials(config), ...waits],
		retention
	};
}
