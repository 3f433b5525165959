import type { Db } from '../db/client.js';
import { listSeriesWindow } from '../db/queries/series-points.js';
import { resolveSelectors } from '../series/selector.js';
import { computeDailyValues, defaultAnomalySettings } from '../metrics/anomalies.js';
import { latestCompleteDayMs, scoreDays } from './anomaly-probe.js';
import type { AlertRuleInput } from './rule-input.js';
import { computeExpectedInDays, etaLookBackDays } from './eta.js';
import { isOneShotCondition, judgeCondition, type Probe, type RuleCondition } from './rules.js';
import { initialMemory, stepAlert, type AlertPolicy } from './state.js';

/**
 * A rule run over stored history before it is saved: one evaluation at the end of every UTC day,
 * with the samples known by then, through the same judgement and state machine as the live rule.
 * It shows the days the rule would have fired (and resolved) on each series it matches.
 */

const dayMs = 86_400_000;
export const maxBacktestSeries = 20;
export const maxBacktestDays = 3 * 366;

export interface BacktestPoint {
	tMs: number;
	value: number;
}

export interface BacktestAlert {
	series: string;
	fired: string[];
	resolved: string[];
}

/** The last point at or before tMs, by binary search over points sorted by time. */
function findAtOrBefore(points: readonly BacktestPoint[], tMs: number): BacktestPoint | undefined {
	let low = 0;
	let high = points.length - 1;
	let found: BacktestPoint | undefined;
	while (low <= high) {
		const mid = (low + high) >> 1;
		if (points[mid]!.tMs <= tMs) {
			found = points[mid];
			low = mid + 1;
		} else high = mid - 1;
	}
	return found;
}

/** An eta rule's probe at nowMs: the forecast over the daily values known then, as live evaluations read them. */
function probeEtaAt(condition: Extract<RuleCondition, { kind: 'eta' }>, points: readonly BacktestPoint[], nowMs: number): Probe {
	const latest = findAtOrBefore(points, nowMs);
	if (!latest) return { latest, windowStart: undefined, previousStart: undefined };
	const known = points.filter((p) => p.tMs <= latest.tMs && p.tMs >= latest.tMs - etaLookBackDays * dayMs).map((p): [number, number] => [p.tMs, p.value]);
	return { latest, windowStart: undefined, previousStart: undefined, expectedInDays: computeExpectedInDays(known, condition, nowMs) };
}

function probeAt(condition: RuleCondition, points: readonly BacktestPoint[], nowMs: number): Probe {
	if (condition.kind === 'eta') return probeEtaAt(condition, points, nowMs);
	const latest = findAtOrBefore(points, nowMs);
	if (!latest || condition.kind !== 'growth') return { latest, windowStart: undefined, previousStart: undefined };
	const windowMs = condition.windowDays * dayMs;
	return {
		latest,
		windowStart: findAtOrBefore(points, latest.tMs - windowMs),
		previousStart: condition.compare === 'previous' ? findAtOrBefore(points, latest.tMs - 2 * windowMs) : undefined
	};
}

/** Steps a rule through daily evaluations from fromMs to toMs over one series' points. */
export function backtestSeries(condition: RuleCondition, policy: AlertPolicy, points: readonly BacktestPoint[], fromMs: number, toMs: number) {
	const fired: string[] = [];
	const resolved: string[] = [];
	let memory = initialMemory;
	// Every day scored once (an anomaly rule judges the latest complete day at each evaluation).
	const dayScores = condition.kind === 'anomaly' ? scoreDays(computeDailyValues(points)) : undefined;
	for (let t = Math.ceil(fromMs / dayMs) * dayMs + dayMs - 1; t <= toMs; t += dayMs) {
		const probe = { ...probeAt(condition, points, t), latestDayScore: dayScores?.get(latestCompleteDayMs(t)) };
		const judged = judgeCondition(condition, probe, t);
		const step = stepAlert(memory, judged.outcome, policy, t);
		memory = step.memory;
		if (step.changedFrom !== null && step.memory.state === 'firing') fired.push(new Date(t).toISOString().slice(0, 10));
		if (step.changedFrom === 'firing') resolved.push(new Date(t).toISOString().slice(0, 10));
	}
	return { fired, resolved };
}

/**
 * What a backtest reads before its first evaluation: growth looks back up to two windows; an eta
 * rule's forecast runs on daily values, a year of them (and only on counters, as live evaluations); an
 * anomaly score needs one anomaly window of days.
 */
function planRead(condition: RuleCondition): { lookBackMs: number; interval: 'raw' | 'day' } {
	if (condition.kind === 'growth') return { lookBackMs: 2 * condition.windowDays * dayMs + dayMs, interval: 'raw' };
	if (condition.kind === 'eta') return { lookBackMs: etaLookBackDays * dayMs, interval: 'day' };
	if (condition.kind === 'anomaly') return { lookBackMs: (defaultAnomalySettings.windowDays + 2) * dayMs, interval: 'raw' };
	return { lookBackMs: 0, interval: 'raw' };
}

export type BacktestResult = { ok: true; fromDay: string; toDay: string; alerts: BacktestAlert[]; isTruncated: boolean } | { ok: false; message: string };

/** Backtests a rule (not saved) over the last `days` days up to nowMs, on at most 20 of its series. */
export async function backtestRule(db: Db, input: AlertRuleInput, nowMs: number, days = 365): Promise<BacktestResult> {
	const resolved = await resolveSelectors(db, [input.scope], 10_000);
	if (!resolved.ok) return { ok: false, message: resolved.message };
	const span = Math.min(days, maxBacktestDays) * dayMs;
	const fromMs = nowMs - span;
	const policy: AlertPolicy = {
		pendingEvaluations: input.pendingEvaluations,
		repeatIntervalMs: null,
		noData: input.noData,
		snoozedUntilMs: null,
		isOneShot: isOneShotCondition(input.condition)
	};
	const series = resolved.series.slice(0, maxBacktestSeries);
	const { lookBackMs, interval } = planRead(input.condition);
	const alerts = await Promise.all(
		series.map(async ({ ref, record }) => {
			const window = await listSeriesWindow(db, record.id, { from: new Date(fromMs - lookBackMs), to: new Date(nowMs + 1), interval });
			const isJudged = input.condition.kind !== 'eta' || record.kind === 'counter';
			const read = isJudged ? [...(window.baseline ? [window.baseline] : []), ...window.points] : [];
			const points = read.map((p) => ({ tMs: p.tMs, value: p.value }));
			return { series: `${ref.source}:${ref.key}:${ref.metric}`, ...backtestSeries(input.condition, policy, points, fromMs, nowMs) };
		})
	);
	const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
	return { ok: true, fromDay: day(fromMs), toDay: day(nowMs), alerts, isTruncated: resolved.series.length > maxBacktestSeries };
}
