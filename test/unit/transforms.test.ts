import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePixelWidthMs, countPixels, downsampleMinMax } from '../../src/lib/server/metrics/downsample.js';
import { transforms, type BucketInterval } from '../../src/lib/server/metrics/intervals.js';
import { isThinnableInSql } from '../../src/lib/server/series/stored-window.js';
import { computeShare, sumBasket } from '../../src/lib/server/metrics/share.js';
import { applyYearOverYear, computeYearBeforeMs, computeYearOverYear } from '../../src/lib/server/metrics/year-over-year.js';
import { applyMovingAverage, applyTransform, type Point } from '../../src/lib/server/metrics/transforms.js';

const points: [number, number][] = [
	[1, 100],
	[2, 150],
	[3, 150],
	[4, 300]
];

describe('transforms', () => {
	it('value leaves the numbers alone', () => {
		expect(applyTransform(points, 'value', undefined)).toEqual(points);
	});

	it('delta measures each change from the point before, the first from the baseline', () => {
		expect(applyTransform(points, 'delta', 40)).toEqual([[1, 60], [2, 50], [3, 0], [4, 150]]);
		expect(applyTransform(points, 'delta', undefined)[0]).toEqual([1, null]);
	});

	it('growth gives percent changes and null on a zero base', () => {
		expect(applyTransform(points, 'growth', 50)).toEqual([[1, 100], [2, 50], [3, 0], [4, 100]]);
		expect(applyTransform([[1, 0], [2, 5]], 'growth', undefined)).toEqual([[1, null], [2, null]]);
	});

	it('index is 100 at the first point', () => {
		expect(applyTransform(points, 'index', 1)).toEqual([[1, 100], [2, 150], [3, 150], [4, 300]]);
		expect(applyTransform([[1, 0], [2, 5]], 'index', undefined)).toEqual([[1, null], [2, null]]);
	});

	it('reproduces the published +18,082% for Docker Hub pulls', () => {
		const [, growth] = applyTransform([[1, 2_750_000], [2, 500_000_000]], 'growth', undefined);
		expect(Math.round(growth![1]!)).toBe(18_082);
	});
});

describe('downsampling', () => {
	const noisy: Point[] = Array.from({ length: 5000 }, (_, i) => [i * 1000, Math.sin(i / 37) * 100 + (i === 2345 ? 900 : 0)]);

	it('returns at most the requested number of points, first and last included', () => {
		const thinned = downsampleMinMax(noisy, 1000);
		expect(thinned.length).toBeLessThanOrEqual(1000);
		expect(thinned.length).toBeGreaterThan(900);
		expect(thinned[0]).toEqual(noisy[0]);
		expect(thinned.at(-1)).toEqual(noisy.at(-1));
	});

	it('keeps the peaks and stays in time order', () => {
		const thinned = downsampleMinMax(noisy, 200);
		expect(thinned).toContainEqual(noisy[2345]);
		const values = noisy.map(([, v]) => v!);
		expect(thinned.some(([, v]) => v === Math.min(...values))).toBe(true);
		expect(thinned.map(([t]) => t)).toEqual([...thinned.map(([t]) => t)].sort((a, b) => a - b));
	});

	it('leaves short series untouched', () => {
		expect(downsampleMinMax(noisy.slice(0, 10), 1000)).toEqual(noisy.slice(0, 10));
	});

	it('sizes epoch-aligned pixels so that any span touches at most countPixels of them, at most 10% wider than needed', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 2e12 }), fc.integer({ min: 10, max: 10_000 }), (firstMs, spanMs, maxPoints) => {
				const widthMs = computePixelWidthMs(spanMs, maxPoints);
				const touched = Math.floor((firstMs + spanMs) / widthMs) - Math.floor(firstMs / widthMs) + 1;
				expect(touched).toBeLessThanOrEqual(countPixels(maxPoints));
				expect(widthMs % 1000).toBe(0);
				const exactMs = spanMs / (countPixels(maxPoints) - 1);
				expect(widthMs).toBeLessThanOrEqual(Math.max(1000, exactMs * 1.1 + 1000));
			})
		);
		// Ten years drawn at 1,000 points: whole hours, so the pixels hold still while a series grows.
		expect(computePixelWidthMs(87_599 * 3_600_000, 1000) / 3_600_000).toBe(176);
	});

	it('thins in SQL only the transforms that keep the extremes of the stored values, unsmoothed', () => {
		const thinnable = transforms.filter((transform) => isThinnableInSql({ transform, smooth: 1 }));
		expect(thinnable).toEqual(['value', 'index']);
		expect(isThinnableInSql({ transform: 'value', smooth: 2 })).toBe(false);
	});
});

describe('moving average', () => {
	it('averages the trailing window and leaves the first periods - 1 points null', () => {
		const series: Point[] = [[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]];
		expect(applyMovingAverage(series, 3)).toEqual([[1, null], [2, null], [3, 20], [4, 30], [5, 40]]);
	});

	it('is null wherever the window holds a null value, and recovers after it', () => {
		const series: Point[] = [[1, null], [2, 20], [3, 40], [4, 60]];
		expect(applyMovingAverage(series, 2)).toEqual([[1, null], [2, null], [3, 30], [4, 50]]);
	});

	it('leaves a series unchanged over one period', () => {
		expect(applyMovingAverage([[1, 5], [2, 7]], 1)).toEqual([[1, 5], [2, 7]]);
	});
});

const utc = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('share of a basket', () => {
	it('gives each series its percent of the sum of the series that have a value at that time', () => {
		const a: [number, number][] = [[1, 30], [2, 50], [3, 20]];
		const b: [number, number][] = [[1, 10], [2, 50]];
		const c: [number, number][] = [[1, 60], [3, 0]];
		const totals = sumBasket([a, b, c]);
		expect(totals.get(1)).toEqual({ total: 100, seriesCount: 3 });
		expect(totals.get(2)).toEqual({ total: 100, seriesCount: 2 });
		expect(a.map(([t, v]) => computeShare(v, totals.get(t)))).toEqual([30, 50, 100]);
		expect(b.map(([t, v]) => computeShare(v, totals.get(t)))).toEqual([10, 50]);
		expect(c.map(([t, v]) => computeShare(v, totals.get(t)))).toEqual([60, 0]);
	});

	it('is 100 for a lone series and null where the basket sums to 0', () => {
		expect(computeShare(7, { total: 7, seriesCount: 1 })).toBe(100);
		expect(computeShare(0, { total: 0, seriesCount: 2 })).toBeNull();
		expect(computeShare(5, undefined)).toBeNull();
	});

	it('sums to 100 at every time where the basket is not 0, for any set of aligned series', () => {
		const times = [0, 1, 2, 3, 4, 5];
		const series = fc.array(fc.subarray(times).chain((ts) => fc.tuple(...ts.map((t) => fc.tuple(fc.constant(t), fc.double({ min: 0, max: 1e13, noNaN: true }))))), {
			minLength: 1,
			maxLength: 8
		});
		fc.assert(
			fc.property(series, (basket) => {
				const totals = sumBasket(basket);
				for (const [t, { total }] of totals) {
					if (total === 0) continue;
					const sum = basket.flatMap((points) => points.filter(([pt]) => pt === t).map(([, v]) => computeShare(v, totals.get(t))!));
					expect(Math.abs(sum.reduce((a, b) => a + b, 0) - 100)).toBeLessThanOrEqual(1e-9);
				}
			})
		);
	});
});

describe('year over year', () => {
	it('finds the same bucket a year before at every interval, 29 February against 28 February', () => {
		expect(isoDay(computeYearBeforeMs(utc('2024-02-29'), 'day'))).toBe('2023-02-28');
		expect(isoDay(computeYearBeforeMs(utc('2024-02-28'), 'day'))).toBe('2023-02-28');
		expect(isoDay(computeYearBeforeMs(utc('2024-03-01'), 'day'))).toBe('2023-03-01');
		expect(isoDay(computeYearBeforeMs(utc('2025-03-01'), 'day'))).toBe('2024-03-01');
		// 52 weeks back from a Monday is a Monday: 2024-03-04 and 2023-03-06.
		expect(isoDay(computeYearBeforeMs(utc('2024-03-04'), 'week'))).toBe('2023-03-06');
		expect(isoDay(computeYearBeforeMs(utc('2024-01-01'), 'month'))).toBe('2023-01-01');
		expect(isoDay(computeYearBeforeMs(utc('2024-10-01'), 'quarter'))).toBe('2023-10-01');
		expect(isoDay(computeYearBeforeMs(utc('2024-01-01'), 'year'))).toBe('2023-01-01');
	});

	it('is the change in percent of the value a year before; null without one or on a zero base', () => {
		expect(computeYearOverYear(150, 100)).toBe(50);
		expect(computeYearOverYear(80, 100)).toBe(-20);
		expect(computeYearOverYear(5, 0)).toBeNull();
		expect(computeYearOverYear(5, undefined)).toBeNull();
		const points: [number, number][] = [[utc('2023-01-01'), 40], [utc('2024-01-01'), 50], [utc('2025-01-01'), 75]];
		const history = new Map(points);
		expect(applyYearOverYear(points, history, 'year').map(([, v]) => v)).toEqual([null, 25, 50]);
	});

	it('is (f - 1) x 100 for a series growing by a factor f a year, at every bucketed interval', () => {
		const addMonths = (ms: number, months: number) => Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth() + months, 1);
		// Bucket starts as date_trunc labels them: ISO weeks start on a Monday (2018-12-31 is one).
		const steps: Record<Exclude<BucketInterval, 'day'>, { perYear: number; first: string; next: (ms: number) => number }> = {
			week: { perYear: 52, first: '2018-12-31', next: (ms) => ms + 7 * 86_400_000 },
			month: { perYear: 12, first: '2019-01-01', next: (ms) => addMonths(ms, 1) },
			quarter: { perYear: 4, first: '2019-01-01', next: (ms) => addMonths(ms, 3) },
			year: { perYear: 1, first: '2019-01-01', next: (ms) => addMonths(ms, 12) }
		};
		const interval = fc.constantFrom('week', 'month', 'quarter', 'year' as const);
		fc.assert(
			fc.property(interval, fc.double({ min: 0.05, max: 20, noNaN: true }), fc.double({ min: 1, max: 1e9, noNaN: true }), (unit, f, start) => {
				const { perYear, first, next } = steps[unit];
				const points: [number, number][] = [];
				for (let i = 0, t = utc(first); i < perYear * 3 + 1; i++, t = next(t)) points.push([t, start * f ** (i / perYear)]);
				const yoy = applyYearOverYear(points, new Map(points), unit);
				for (const [i, [, v]] of yoy.entries()) {
					if (i < perYear) expect(v).toBeNull();
					else expect(Math.abs(v! - (f - 1) * 100)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs((f - 1) * 100)));
				}
			})
		);
	});

	it('is (f - 1) x 100 at interval=day for a series growing by f from one calendar year to the next', () => {
		fc.assert(
			fc.property(fc.double({ min: 0.05, max: 20, noNaN: true }), (f) => {
				const points: [number, number][] = [];
				for (let t = utc('2023-01-01'); t < utc('2026-01-01'); t += 86_400_000) {
					const date = new Date(t);
					// A value for the calendar day times f per year; 29 February takes 28 February's.
					const dayOfYear = date.getUTCMonth() * 31 + Math.min(date.getUTCDate(), date.getUTCMonth() === 1 ? 28 : 31);
					points.push([t, (1000 + dayOfYear) * f ** (date.getUTCFullYear() - 2023)]);
				}
				const yoy = applyYearOverYear(points, new Map(points), 'day');
				for (const [t, v] of yoy) {
					if (t < utc('2024-01-01')) expect(v).toBeNull();
					else expect(Math.abs(v! - (f - 1) * 100)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs((f - 1) * 100)));
				}
			}),
			{ numRuns: 10 }
		);
	});
});
