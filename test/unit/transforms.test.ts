import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from '../../src/lib/server/metrics/downsample.js';
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
