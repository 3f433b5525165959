import type { Db } from '../db/client.js';
import {
	insertAlertEvents,
	listAlertProbes,
	lockAlertEvaluation,
	upsertAlertInstances,
	type AlertEventWrite,
	type AlertProbeRow
} from '../db/queries/alert-evaluation.js';
import { insertAlertDeliveries } from '../db/queries/alert-deliveries.js';
import { upsertAppState } from '../db/queries/app-state.js';
import { readLatestDayScores } from './anomaly-probe.js';
import { probeEtas } from './eta.js';
import { isOneShotCondition, judgeCondition } from './rules.js';
import { stepAlert, type AlertMemory } from './state.js';
import { log } from '../telemetry/log.js';
import { alertEvaluations, alertTransitions } from '../telemetry/metrics.js';

/**
 * Evaluates every enabled rule on every series it matches, set-based: one statement reads each
 * alert's samples (the latest, and for growth rules the samples one and two windows before it) with
 * its stored state. Two reads are added only where a rule needs them: eta rules read a year of daily
 * values per series they watch, anomaly rules the scores of each watched series' latest complete day.
 * The state machine steps each alert in memory; one transaction writes the new states and the history.
 * Thousands of rules cost a few index probes each, not a query each.
 */

/** An evaluation's effect on one alert that changed state or asked for a notification: the history row it writes. */
export type AlertChange = AlertEventWrite;

export interface EvaluationReport {
	alerts: number;
	changes: AlertChange[];
	/** Pattern rules that match more series than the cap: only their first series (by id) were evaluated. */
	cappedRules: CappedRule[];
}

export interface CappedRule {
	ruleId: number;
	scope: string;
	matchedSeries: number;
}

/** ALERT_PATTERN_MAX_SERIES's default: as many series as one export takes. */
export const defaultMaxSeriesPerRule = 10_000;

function findCappedRules(rows: readonly AlertProbeRow[], maxSeriesPerRule: number): CappedRule[] {
	const capped = new Map<number, CappedRule>();
	for (const row of rows) {
		if (row.matched_series > maxSeriesPerRule) capped.set(row.rule_id, { ruleId: row.rule_id, scope: row.scope, matchedSeries: row.matched_series });
	}
	return [...capped.values()];
}

interface Stepped {
	row: AlertProbeRow;
	memory: AlertMemory;
	value: number | null;
	/** The memory differs from the stored one (or none was stored): the row must be written. */
	isDirty: boolean;
	change: AlertChange | undefined;
}

const point = (tMs: number | null, value: number | null) => (tMs === null || value === null ? undefined : { tMs: Number(tMs), value: Number(value) });
const msOrNull = (ms: number | null) => (ms === null ? null : Number(ms));

/** `beyond`: what some conditions need beyond the samples (eta rules' forecast, anomaly rules' day score). */
function stepRow(row: AlertProbeRow, nowMs: number, beyond: { expectedInDays: number | null | undefined; latestDayScore: number | undefined }): Stepped {
	const judged = judgeCondition(
		row.condition,
		{
			latest: point(row.latest_ms, row.latest_value),
			windowStart: point(row.window_ms, row.window_value),
			previousStart: point(row.previous_ms, row.previous_value),
			...beyond
		},
		nowMs
	);
	const before: AlertMemory = {
		state: row.state ?? 'normal',
		pendingCount: row.pending_count ?? 0,
		notifiedAtMs: msOrNull(row.notified_ms),
		firingSinceMs: msOrNull(row.firing_since_ms)
	};
	const step = stepAlert(before, judged.outcome, {
		pendingEvaluations: row.pending_evaluations,
		repeatIntervalMs: row.repeat_interval_minutes === null ? null : row.repeat_interval_minutes * 60_000,
		noData: row.no_data,
		snoozedUntilMs: msOrNull(row.snoozed_until_ms),
		isOneShot: isOneShotCondition(row.condition)
	}, nowMs);
	const isChange = step.changedFrom !== null || step.notify !== null;
	const after = step.memory;
	const isDirty =
		row.state === null ||
		after.state !== before.state ||
		after.pendingCount !== before.pendingCount ||
		after.notifiedAtMs !== before.notifiedAtMs ||
		after.firingSinceMs !== before.firingSinceMs;
	const change = isChange
		? { ruleId: row.rule_id, seriesId: row.series_id, from: before.state, to: step.memory.state, notify: step.notify, value: judged.value }
		: undefined;
	return { row, memory: after, value: judged.value, isDirty, change };
}

/**
 * Writes the alerts whose state moved (most evaluations move none, so thousands of steady alerts cost
 * no write), the history of the changes and, in the outbox, their notifications; the time of the
 * evaluation goes to app_state.
 */
async function writeEvaluation(tx: Db, all: readonly Stepped[], nowMs: number): Promise<void> {
	await upsertAppState(tx, 'alerts_evaluated_at', new Date(nowMs).toISOString());
	const dirty = all.filter((s) => s.isDirty);
	await upsertAlertInstances(
		tx,
		dirty.map((s) => ({ ruleId: s.row.rule_id, seriesId: s.row.series_id, ...s.memory, lastValue: s.value })),
		nowMs
	);
	const inserted = await insertAlertEvents(tx, all.flatMap((s) => (s.change ? [s.change] : [])), nowMs);
	await insertAlertDeliveries(tx, inserted.filter((e) => e.notify !== null).map((e) => e.id), nowMs);
}

/**
 * One evaluation of every enabled rule (or of the given ones) at `nowMs`. Runs in one transaction
 * under an advisory lock, so that an evaluation after a collection run and a scheduled one cannot
 * step the same alerts twice; a crash leaves the states as they were. A pattern rule whose matches grew
 * past `maxSeriesPerRule` since it was saved is evaluated on its first series (by id), reported in
 * cappedRules and logged each time, so that it stays bounded and the owner learns why.
 */
export async function evaluateAlerts(
	db: Db,
	nowMs: number,
	ruleIds?: readonly number[],
	maxSeriesPerRule = defaultMaxSeriesPerRule
): Promise<EvaluationReport> {
	let report: EvaluationReport;
	try {
		report = await db.transaction(async (tx): Promise<EvaluationReport> => {
			await lockAlertEvaluation(tx);
			const rows = await listAlertProbes(tx, ruleIds, maxSeriesPerRule);
			// One after the other: both reads share the transaction's one connection.
			const etas = await probeEtas(tx, rows, nowMs);
			const dayScores = await readLatestDayScores(tx, rows, nowMs);
			const stepped = rows.map((row, i) => stepRow(row, nowMs, { expectedInDays: etas[i], latestDayScore: dayScores.get(row.series_id) }));
			await writeEvaluation(tx, stepped, nowMs);
			const changes = stepped.flatMap((s) => (s.change ? [s.change] : []));
			return { alerts: stepped.length, changes, cappedRules: findCappedRules(rows, maxSeriesPerRule) };
		});
	} catch (error) {
		alertEvaluations.inc({ outcome: 'failed' });
		throw error;
	}
	alertEvaluations.inc({ outcome: 'ok' });
	alertTransitions.inc(report.changes.length);
	for (const rule of report.cappedRules) {
		log.warn(
			{ ruleId: rule.ruleId, scope: rule.scope, matchedSeries: rule.matchedSeries, maxSeriesPerRule },
			`alert rule ${rule.ruleId} (${rule.scope}) matches ${rule.matchedSeries} series, more than ALERT_PATTERN_MAX_SERIES=${maxSeriesPerRule}: ` +
				`only the first ${maxSeriesPerRule} (the oldest series) are evaluated; narrow its pattern`
		);
	}
	return report;
}
