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

/** The round numbers a milestone is set at: 1, 2 and 5 times a power of ten. */
const roundMantissas = [1, 2, 5];

/**
 * The next round value strictly above `latest` (1, 2 or 5 x 10^k): 742M -> 1B, 1.2B -> 2B, 1,000 ->
 * 2,000, 0.3 -> 0.5. A counter at 0 (or below) has no "next" power of ten below 1, so it aims at 1.
 */
export function computeNextRoundMilestone(latest: number): number {
	if (!(latest > 0)) return 1;
	// log10 can land a hair below an exact power (999.999... for 1,000): trying the neighbouring
	// exponents too makes the choice exact regardless.
	const exponent = Math.floor(Math.log10(latest));
	for (let k = exponent - 1; k <= exponent + 1; k++) {
		for (const mantissa of roundMantissas) {
			// toPrecision removes the float noise of small powers (2 x 0.1 = 0.2, not 0.20000000000000001).
			const candidate = Number((mantissa * 10 ** k).toPrecision(12));
			if (candidate > latest) return candidate;
		}
	}
	return Number((10 ** (exponent + 2)).toPrecision(12));
}
