import type { Db } from '../db/client.js';
import { listRecentDailyValues } from '../db/queries/daily-values.js';
import { computeDailyRates, dayMs, defaultAnomalySettings, scoreDailyDeltas, type DailyValue } from '../metrics/anomalies.js';
import type { AlertProbeRow } from '../db/queries/alert-evaluation.js';

/**
 * What an anomaly rule judges: the robust score of a series' latest complete UTC day (the day before
 * the one holding the evaluation), against the days before it. Today is left out: a day half gone by
 * would always look like a drop.
 */

/** The UTC day an evaluation at nowMs judges. */
export const latestCompleteDayMs = (nowMs: number) => Math.floor(nowMs / dayMs) * dayMs - dayMs;

/** Every scored day of a series' daily values, by day (epoch ms); unscored days are left out. */
export function scoreDays(days: readonly DailyValue[]): Map<number, number> {
	const scores = new Map<number, number>();
	for (const day of scoreDailyDeltas(computeDailyRates(days), defaultAnomalySettings)) {
		if (day.score !== undefined) scores.set(day.dayMs, day.score);
	}
	return scores;
}

/**
 * The latest complete day's score of every series that an anomaly rule watches, read in one statement
 * (the window and the day before it, a few dozen rows per series). Gauges and reference figures are
 * not read, so their anomaly alerts have no data.
 */
export async function readLatestDayScores(db: Db, rows: readonly AlertProbeRow[], nowMs: number): Promise<Map<number, number>> {
	const seriesIds = [...new Set(rows.filter((r) => r.condition.kind === 'anomaly').map((r) => r.series_id))];
	const dayMsJudged = latestCompleteDayMs(nowMs);
	const fromMs = dayMsJudged - (defaultAnomalySettings.windowDays + 1) * dayMs;
	const daily = await listRecentDailyValues(db, seriesIds, fromMs, dayMsJudged + dayMs);
	const scores = new Map<number, number>();
	for (const [seriesId, days] of daily) {
		const score = scoreDays(days).get(dayMsJudged);
		if (score !== undefined) scores.set(seriesId, score);
	}
	return scores;
}
