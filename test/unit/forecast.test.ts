import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	computeDailyDeltas,
	computeForecast,
	computeRateWander,
	computeSpread,
	dayMs,
	fitLinearTrend,
	projectRate,
	type Forecast
} from '../../src/lib/server/metrics/forecast.js';
import { computeMilestone } from '../../src/lib/server/metrics/milestone.js';

const startMs = Date.UTC(2026, 0, 1);
/** Daily points from 2026-01-01: value(i) as given. */
const daily = (days: number, value: (i: number) => number): [number, number][] =>
	Array.from({ length: days }, (_, i) => [startMs + i * dayMs, value(i)]);

function forecastOf(points: [number, number][], horizonDays: number): Forecast {
	const result = computeForecast(points, horizonDays);
	if (!result.ok) throw new Error(result.reason);
	return result.forecast;
}

describe('forecast of a counter from its daily deltas', () => {
	it('projects a counter growing 1,000 a day exactly, with bands of zero width', () => {
		const forecast = forecastOf(daily(120, (i) => 50_000 + 1_000 * i), 30);
		expect(forecast.originValue).toBe(169_000);
		expect(forecast.level).toBeCloseTo(1_000, 9);
		expect(forecast.slope).toBeCloseTo(0, 9);
		expect(forecast.points).toHaveLength(30);
		forecast.points.forEach((p, k) => {
			expect(p.tMs).toBe(startMs + (119 + k + 1) * dayMs);
			expect(p.value).toBeCloseTo(169_000 + 1_000 * (k + 1), 6);
			expect(p.upper95 - p.lower95).toBeCloseTo(0, 6);
		});
	});

	it('spreads the change of a gap of several days evenly over them', () => {
		const points: [number, number][] = [
			[startMs, 0],
			[startMs + dayMs, 10],
			[startMs + 4 * dayMs, 40]
		];
		expect(computeDailyDeltas(points, 90)).toEqual([10, 10, 10, 10]);
		expect(computeDailyDeltas(points, 2)).toEqual([10, 10]);
	});

	it('projects a rate rising 10 a day with a fading slope (damped trend)', () => {
		// Deltas 100, 110, 120, ...: the fitted rate on the last day is 100 + 10 * 89 = 990.
		const forecast = forecastOf(daily(91, (i) => 100 * i + 5 * i * (i - 1)), 2);
		expect(forecast.level).toBeCloseTo(990, 6);
		expect(forecast.slope).toBeCloseTo(10, 6);
		expect(forecast.points[0]!.value - forecast.originValue).toBeCloseTo(990 + 10 * 0.98, 6);
		expect(forecast.points[1]!.value - forecast.points[0]!.value).toBeCloseTo(990 + 10 * (0.98 + 0.98 ** 2), 6);
	});

	it('never projects a falling rate below zero: the counter levels off', () => {
		expect(projectRate(100, -10, 0.98, 200)).toBe(0);
		const forecast = forecastOf(daily(60, (i) => 10_000 + 100 * i - i * i), 365);
		const last = forecast.points[forecast.points.length - 1]!;
		expect(last.value).toBe(forecast.points[forecast.points.length - 2]!.value);
	});

	it('explains that a series with under two weeks of history cannot be forecast', () => {
		expect(computeForecast(daily(10, (i) => i), 30)).toEqual({ ok: false, reason: 'a forecast needs at least 14 days of history; the series has 9' });
		expect(computeForecast([], 30)).toMatchObject({ ok: false });
	});

	it('fits a least-squares line and reads its level at the last day', () => {
		const fit = fitLinearTrend([1, 3, 2, 4]);
		expect(fit.slope).toBeCloseTo(0.8, 9);
		expect(fit.level).toBeCloseTo(3.7, 9);
		expect(fit.residuals.reduce((s, r) => s + r, 0)).toBeCloseTo(0, 9);
	});

	it('measures daily noise and the weekly drift of the residuals', () => {
		// Two weeks: the first 7 days each +2 off the trend, the next 7 each -2.
		const spread = computeSpread([...Array(7).fill(2), ...Array(7).fill(-2)], 7);
		expect(spread).toEqual({ daily: 2, drift: 2 });
		// Noise that alternates cancels within a week: no drift.
		expect(computeSpread([1, -1, 1, -1, 1, -1, 0], 7).drift).toBeCloseTo(0, 9);
	});
});

describe('how much the rate wanders month to month', () => {
	it('reads a step of 60 a day between two months as a random-walk variance of 180 per day', () => {
		// Means 100 then 160: a change of 60; 60^2 x 3 / (2 x 30) = 180.
		expect(computeRateWander([...Array(30).fill(100), ...Array(30).fill(160)], 0)).toBeCloseTo(180, 9);
	});

	it('takes out what daily noise alone explains, and needs two whole months', () => {
		expect(computeRateWander([...Array(30).fill(100), ...Array(30).fill(160)], 1_000)).toBe(0);
		expect(computeRateWander(Array(59).fill(100), 0)).toBe(0);
	});

	it('widens the bands of a counter whose rate moved in the past year, though its last 90 days were steady', () => {
		const steady = forecastOf(daily(400, (i) => 1_000 * i), 30);
		const moved = forecastOf(daily(400, (i) => (i < 200 ? 500 * i : 100_000 + 1_000 * (i - 200))), 30);
		expect(steady.points[29]!.upper80 - steady.points[29]!.lower80).toBeCloseTo(0, 6);
		expect(moved.points[29]!.value).toBeCloseTo(steady.points[29]!.value - 100_000, 6);
		expect(moved.points[29]!.upper80 - moved.points[29]!.lower80).toBeGreaterThan(1_000);
	});
});

describe('milestone dates', () => {
	const linear = forecastOf(daily(100, (i) => 1_000 * i), 60);

	it('gives the day a linear counter passes the value, with earliest and latest equal', () => {
		// 99,000 on 2026-04-10 (day 99); 120,000 is 21 days later.
		expect(computeMilestone(linear, 120_000)).toEqual({ value: 120_000, date: '2026-05-01', earliest: '2026-05-01', latest: '2026-05-01' });
	});

	it('gives null with the reason when the value is not reached within the horizon', () => {
		expect(computeMilestone(linear, 1_000_000)).toEqual({
			value: 1_000_000,
			date: null,
			reason: 'not expected within the horizon: the projection reaches 159000 on 2026-06-09'
		});
	});

	it('gives null with the reason when the counter has stopped and cannot reach the value', () => {
		const stopped = forecastOf(daily(100, (i) => Math.min(i, 50) * 10), 365);
		expect(computeMilestone(stopped, 1_000)).toMatchObject({ date: null, reason: expect.stringContaining('not expected within the horizon') });
	});

	it('gives null with the reason when the value was already passed', () => {
		expect(computeMilestone(linear, 50_000)).toEqual({ value: 50_000, date: null, reason: 'already reached: the series was at 99000 on 2026-04-10' });
	});

	it('puts the expected date inside its 80% interval on a noisy counter', () => {
		const noisy = forecastOf(daily(120, (i) => 1_000 * i + (i % 7) * 300), 365);
		const milestone = computeMilestone(noisy, 200_000);
		if (milestone.date === null) throw new Error(milestone.reason);
		expect(milestone.earliest <= milestone.date).toBe(true);
		expect(milestone.latest === null || milestone.date <= milestone.latest).toBe(true);
		expect(milestone.earliest < milestone.latest!).toBe(true);
	});
});

/** A counter: a start value and non-negative daily increments, with a few days missing. */
const counterArbitrary = fc
	.record({
		start: fc.integer({ min: 0, max: 1e9 }),
		increments: fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 15, maxLength: 200 }),
		gaps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 15, maxLength: 200 })
	})
	.map(({ start, increments, gaps }) => {
		const points: [number, number][] = [];
		let t = startMs;
		let value = start;
		increments.forEach((increment, i) => {
			points.push([t, value]);
			t += (gaps[i] ?? 1) * dayMs;
			value += increment;
		});
		return points;
	});

describe('forecast properties', () => {
	it('keeps the 80% band inside the 95% band, both around the projection, and never projects a counter down', () => {
		fc.assert(
			fc.property(counterArbitrary, fc.integer({ min: 1, max: 400 }), (points, horizon) => {
				const forecast = forecastOf(points, horizon);
				const origin = forecast.originValue;
				let previous = { value: origin, lower80: origin, upper80: origin, lower95: origin, upper95: origin };
				// Plain comparisons rather than expect() per point: a run checks up to 400 points.
				return forecast.points.every((p) => {
					const isNested = p.lower95 <= p.lower80 && p.lower80 <= p.value && p.value <= p.upper80 && p.upper80 <= p.upper95;
					const isRising = (['value', 'lower80', 'upper80', 'lower95', 'upper95'] as const).every((key) => p[key] >= previous[key]);
					previous = p;
					return isNested && isRising;
				});
			})
		);
	});

	it('widens both bands with the horizon', () => {
		fc.assert(
			fc.property(counterArbitrary, (points) => {
				const forecast = forecastOf(points, 120);
				return forecast.points.slice(1).every((p, k) => {
					const before = forecast.points[k]!;
					return p.upper80 - p.lower80 >= before.upper80 - before.lower80 - 1e-6 && p.upper95 - p.lower95 >= before.upper95 - before.lower95 - 1e-6;
				});
			})
		);
	});
});
