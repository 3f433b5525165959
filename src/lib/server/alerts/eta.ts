import type { Db } from '../db/client.js';
import type { AlertProbeRow } from '../db/queries/alert-evaluation.js';
import { listRecentDailyPoints } from '../forecast/recent-days.js';
import { computeForecast, dayMs, defaultSettings } from '../metrics/forecast.js';
import { computeMilestone } from '../metrics/milestone.js';
import type { RuleCondition } from './rules.js';

/**
 * `eta` rules ("milestone expected within N days"): at each evaluation the forecast behind
 * GET /api/forecast (same method, same settings) is run on the series' recent daily values, and says
 * in how many days the counter is expected to reach the rule's value.
 */

type EtaCondition = Extract<RuleCondition, { kind: 'eta' }>;

/**
 * Days from `nowMs` to the day the projection reaches the value: 0 when it is already reached (or the
 * expected day has passed while the series went stale), null when it is not expected within the rule's
 * horizon, undefined when the series cannot be forecast (too short a history).
 * `points` are daily [epoch ms, value] pairs in time order, the last one the series' latest day.
 */
export function computeExpectedInDays(points: readonly [number, number][], condition: EtaCondition, nowMs: number): number | null | undefined {
	const last = points.at(-1);
	if (!last) return undefined;
	if (last[1] >= condition.value) return 0;
	// The projection starts at the last sample; a stale series needs the days since then on top.
	const staleDays = Math.max(0, Math.ceil((nowMs - last[0]) / dayMs));
	const result = computeForecast(points, condition.withinDays + Math.min(staleDays, 3 * 366));
	if (!result.ok) return undefined;
	const milestone = computeMilestone(result.forecast, condition.value);
	if (milestone.date === null) return null;
	return Math.max(0, Math.ceil((Date.parse(milestone.date) - nowMs) / dayMs));
}

/**
 * The expected days of every `eta` row of one evaluation (undefined for other rows and for gauges),
 * each series' daily values read once however many rules watch it.
 */
export async function probeEtas(db: Db, rows: readonly AlertProbeRow[], nowMs: number): Promise<(number | null | undefined)[]> {
	const pointsBySeries = new Map<number, [number, number][]>();
	const expected: (number | null | undefined)[] = [];
	for (const row of rows) {
		if (row.condition.kind !== 'eta' || row.series_kind !== 'counter' || row.latest_ms === null) {
			expected.push(undefined);
			continue;
		}
		let points = pointsBySeries.get(row.series_id);
		if (!points) {
			points = await listRecentDailyPoints(db, row.series_id, new Date(Number(row.latest_ms)));
			pointsBySeries.set(row.series_id, points);
		}
		expected.push(computeExpectedInDays(points, row.condition, nowMs));
	}
	return expected;
}

/** How many daily values before the first evaluation a backtest of an `eta` rule reads: what the forecast looks back over. */
export const etaLookBackDays = defaultSettings.wanderDays + 1;
