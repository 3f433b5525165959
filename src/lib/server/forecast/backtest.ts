import { computeForecast, dayMs, defaultSettings, type ForecastSettings } from '../metrics/forecast.js';

/**
 * The forecast's backtest: hide the last days of a recorded history, forecast them from the rest, and
 * measure the projection against what happened. Pure; the command reads the files.
 */

export interface BacktestResult {
	/** How many hidden days had a recorded value to compare with. */
	days: number;
	/** Mean absolute percentage error of the projected values over the hidden days. */
	mapePercent: number;
	/**
	 * The error of the projected growth over the whole hidden span, in percent of the true growth: the
	 * values' MAPE is small for any old counter (a year's growth is a few percent of its total), so this
	 * says how well the trend itself was projected. Null when the counter did not grow.
	 */
	growthErrorPercent: number | null;
	/** Share of the hidden days whose true value fell inside the 80% (95%) band, in percent. */
	inside80Percent: number;
	inside95Percent: number;
}

export type BacktestOutcome = { ok: true; result: BacktestResult } | { ok: false; reason: string };

const percent = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);

/** `points` are [day start ms, value] in time order, one per day at most (gaps allowed). */
export function backtestForecast(points: readonly [number, number][], holdoutDays = 90, settings: ForecastSettings = defaultSettings): BacktestOutcome {
	const last = points[points.length - 1];
	if (!last) return { ok: false, reason: 'no history' };
	const cutoffMs = last[0] - holdoutDays * dayMs;
	const known = points.filter(([t]) => t <= cutoffMs);
	const hidden = points.filter(([t]) => t > cutoffMs);
	const origin = known[known.length - 1];
	if (!origin || hidden.length === 0) return { ok: false, reason: `the history is not longer than the ${holdoutDays} hidden days` };
	const fitted = computeForecast(known, Math.round((last[0] - origin[0]) / dayMs), settings);
	if (!fitted.ok) return { ok: false, reason: fitted.reason };
	const byDay = new Map(fitted.forecast.points.map((p) => [p.tMs, p]));
	let absolutePercent = 0;
	let inside80 = 0;
	let inside95 = 0;
	for (const [t, truth] of hidden) {
		const p = byDay.get(t)!;
		absolutePercent += percent(Math.abs(p.value - truth), truth);
		if (truth >= p.lower80 && truth <= p.upper80) inside80++;
		if (truth >= p.lower95 && truth <= p.upper95) inside95++;
	}
	const trueGrowth = last[1] - origin[1];
	const projectedGrowth = byDay.get(last[0])!.value - origin[1];
	return {
		ok: true,
		result: {
			days: hidden.length,
			mapePercent: absolutePercent / hidden.length,
			growthErrorPercent: trueGrowth > 0 ? percent(Math.abs(projectedGrowth - trueGrowth), trueGrowth) : null,
			inside80Percent: percent(inside80, hidden.length),
			inside95Percent: percent(inside95, hidden.length)
		}
	};
}
