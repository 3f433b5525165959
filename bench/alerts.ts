/**
 * 10,000 alert rules evaluated on the 10-million-sample database: single-series rules of every kind
 * (thresholds, milestones, growth against 7 days ago and against the previous 30 days, stale data)
 * spread over the 2,740 bench series, plus a few pattern rules that match every series. Times whole
 * evaluations (read, step, write) and removes the rules afterwards.
 */
import { sql } from 'drizzle-orm';
import { evaluateAlerts } from '../src/lib/server/alerts/evaluate.js';
import type { RuleCondition } from '../src/lib/server/alerts/rules.js';
import { openDatabase } from '../src/lib/server/db/client.js';
import { applyMigrations } from '../src/lib/server/db/migrate.js';
import { seriesKey } from './data.js';
import { benchUrl } from './engines.js';
import { latencyStats, type LatencyStats } from './measure.js';

export const alertRulesTarget = 10_000;
export const alertEvaluationTargetMs = 2_000;

export interface AlertBenchResults {
	rules: number;
	alerts: number;
	evaluation: LatencyStats;
}

const conditions: RuleCondition[] = [
	{ kind: 'threshold', op: 'above', value: 50_000 },
	{ kind: 'milestone', value: 1_000_000 },
	{ kind: 'growth', windowDays: 7, compare: 'ago', op: 'above', percent: 2, minBase: 100 },
	{ kind: 'growth', windowDays: 30, compare: 'previous', op: 'below', percent: -10, minBase: 100 },
	{ kind: 'stale', maxAgeHours: 48 }
];

export async function runAlertBench(admin: string, seriesCount: number, iterations = 5): Promise<AlertBenchResults> {
	const database = await openDatabase({ kind: 'postgres', url: benchUrl(admin) });
	try {
		// A database kept from an earlier run may predate the alert tables.
		await applyMigrations(database);
		const db = database.db;
		await db.execute(sql`delete from alert_rules`);
		const patternRules = 4;
		const single = alertRulesTarget - patternRules;
		const scopes = Array.from({ length: single }, (_, i) => `github:${seriesKey(i % seriesCount)}:stars`);
		await db.execute(sql`insert into alert_rules (name, scope, scope_source, scope_key, scope_metric, condition, pending_evaluations, repeat_interval_minutes)
			select 'bench ' || n, 'github:' || k || ':stars', 'github', k, 'stars', c::jsonb, n % 3, 60
			from unnest(${sql.param(scopes.map((s) => s.slice('github:'.length, -':stars'.length)))}::text[],
				${sql.param(scopes.map((_, i) => JSON.stringify(conditions[i % conditions.length])))}::text[])
				with ordinality as u(k, c, n)`);
		for (let i = 0; i < patternRules; i++) {
			await db.execute(sql`insert into alert_rules (name, scope, scope_source, scope_key, scope_metric, condition)
				values (${`bench pattern ${i}`}, 'github:bench/*:stars', 'github', 'bench/*', 'stars', ${JSON.stringify(conditions[i])}::jsonb)`);
		}
		const durations: number[] = [];
		let alerts = 0;
		// The clock moves an hour per evaluation, as a scheduled evaluation would see it.
		const start = Date.UTC(2026, 0, 1);
		for (let n = 0; n < iterations + 1; n++) {
			const startedAt = performance.now();
			alerts = (await evaluateAlerts(db, start + n * 3_600_000)).alerts;
			if (n > 0) durations.push(performance.now() - startedAt);
		}
		const evaluation = latencyStats(durations);
		console.log(`  ${alertRulesTarget} rules, ${alerts} alerts: p50/p95 ${evaluation.p50Ms.toFixed(0)}/${evaluation.p95Ms.toFixed(0)} ms per evaluation`);
		await db.execute(sql`delete from alert_rules`);
		return { rules: alertRulesTarget, alerts, evaluation };
	} finally {
		await database.close();
	}
}
