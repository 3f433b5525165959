import { describe, expect, it } from 'vitest';
import { computeRatioPoints } from '../../src/lib/server/metrics/ratio.js';

const day = (n: number) => Date.UTC(2026, 0, 1 + n);
const series = (pairs: [number, number][]) => pairs.map(([d, value]) => ({ tMs: day(d), value }));

describe('pulls divided by the linked repository divisor', () => {
	it('divides each point by the divisor at the same time', () => {
		const pulls = series([[0, 1000], [1, 1500], [2, 3000]]);
		const stars = series([[0, 10], [1, 12], [2, 15]]);
		expect(computeRatioPoints(pulls, stars)).toEqual([
			[day(0), 100],
			[day(1), 125],
			[day(2), 200]
		]);
	});

	it('takes the divisor latest value on or before each point, never a later one', () => {
		const pulls = series([[1, 600], [3, 900], [5, 1200], [6, 1400]]);
		// Stars sampled on other days: day 3 uses day 2's 30, day 5 day 4's 40, day 6 day 6's 70.
		const stars = series([[0, 20], [2, 30], [4, 40], [6, 70], [7, 80]]);
		expect(computeRatioPoints(pulls, stars)).toEqual([
			[day(1), 30],
			[day(3), 30],
			[day(5), 30],
			[day(6), 20]
		]);
	});

	it('is null where the divisor has no value yet, unless one from before the window is given', () => {
		const pulls = series([[0, 500], [1, 800], [2, 900]]);
		const stars = series([[1, 8]]);
		expect(computeRatioPoints(pulls, stars)).toEqual([
			[day(0), null],
			[day(1), 100],
			[day(2), 112.5]
		]);
		expect(computeRatioPoints(pulls, stars, 5)[0]).toEqual([day(0), 100]);
	});

	it('is null where the divisor is 0, and picks up again when it is not', () => {
		const pulls = series([[0, 10], [1, 20], [2, 30]]);
		const contributors = series([[0, 0], [2, 3]]);
		expect(computeRatioPoints(pulls, contributors)).toEqual([
			[day(0), null],
			[day(1), null],
			[day(2), 10]
		]);
	});

	it('answers no points without pulls, and all nulls without a divisor series', () => {
		expect(computeRatioPoints([], series([[0, 1]]))).toEqual([]);
		expect(computeRatioPoints(series([[0, 7]]), [])).toEqual([[day(0), null]]);
	});
});
