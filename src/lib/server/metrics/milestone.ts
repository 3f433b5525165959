import type { Forecast, ForecastPoint } from './forecast.js';

/**
 * When a forecast counter passes a value: the expected day (the projection crosses it), and the 80%
 * interval of that day, read off the band: the earliest day is where the upper bound crosses, the
 * latest where the lower bound does. Pure; dates are UTC calendar days (YYYY-MM-DD).
 */

export type Milestone =
	| { value: number; date: string; earliest: string; latest: string | null }
	| { value: number; date: null; reason: string };

const isoDay = (tMs: number) => new Date(tMs).toISOString().slice(0, 10);

function firstCrossing(points: readonly ForecastPoint[], value: number, of: (p: ForecastPoint) => number): ForecastPoint | undefined {
	return points.find((p) => of(p) >= value);
}

/**
 * `latest` is null when even the 80% lower bound stays below the value within the horizon: the day is
 * expected inside the horizon, but the band reaches past its end.
 */
export function computeMilestone(forecast: Forecast, value: number): Milestone {
	if (forecast.originValue >= value) {
		return { value, date: null, reason: `already reached: the series was at ${forecast.originValue} on ${isoDay(forecast.originMs)}` };
	}
	const expected = firstCrossing(forecast.points, value, (p) => p.value);
	const last = forecast.points[forecast.points.length - 1];
	if (!expected || !last) {
		const end = last ? `${Math.round(last.value)} on ${isoDay(last.tMs)}` : `${forecast.originValue}`;
		return { value, date: null, reason: `not expected within the horizon: the projection reaches ${end}` };
	}
	// The upper bound is at least the projection, so it crosses no later than it does.
	const earliest = firstCrossing(forecast.points, value, (p) => p.upper80)!;
	const latest = firstCrossing(forecast.points, value, (p) => p.lower80);
	return { value, date: isoDay(expected.tMs), earliest: isoDay(earliest.tMs), latest: latest ? isoDay(latest.tMs) : null };
}
