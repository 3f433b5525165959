import { describe, expect, it } from 'vitest';
import { computeGrowth, computeWindowGrowth, computeYears, resolveWindow } from '../../src/lib/server/metrics/growth.js';

const at = (iso: string, value: number) => ({ ts: new Date(iso), value });

describe('growth between two samples', () => {
	it.each([
		{ name: 'Docker Hub pulls 2014 -> 2015', base: 2_750_000, latest: 500_000_000, percent: 18_081.818, multiplier: 181.818 },
		{ name: 'Docker Hub repositories', base: 14_500, latest: 150_000, percent: 934.483, multiplier: 10.345 },
		{ name: 'moby contributors', base: 460, latest: 1_302, percent: 183.043, multiplier: 2.83 },
		{ name: 'a decrease', base: 200, latest: 150, percent: -25, multiplier: 0.75 },
		{ name: 'no change', base: 42, latest: 42, percent: 0, multiplier: 1 }
	])('computes percent and multiplier: $name', ({ base, latest, percent, multiplier }) => {
		const growth = computeGrowth(at('2014-06-09', base), at('2015-06-22', latest));
		expect(growth.change).toBe(latest - base);
		expect(growth.percent).toBeCloseTo(percent, 3);
		expect(growth.multiplier).toBeCloseTo(multiplier, 3);
		expect(growth.days).toBe(378);
	});

	it('has no percent, multiplier or CAGR on a zero base, but still the change', () => {
		const growth = computeGrowth(at('2026-01-01', 0), at('2026-02-01', 40));
		expect(growth).toMatchObject({ change: 40, percent: null, multiplier: null, cagrPercent: null, days: 31 });
	});

	it('gives the compound annual growth rate of a doubling over exactly two years as 41.42%', () => {
		const growth = computeGrowth(at('2020-01-01', 100), at('2022-01-01', 200));
		expect(growth.years).toBe(2);
		expect(growth.cagrPercent).toBeCloseTo(41.421, 3);
	});

	it('gives CAGR equal to the growth over exactly one year, and a negative CAGR for a decline', () => {
		expect(computeGrowth(at('2025-03-01', 100), at('2026-03-01', 130)).cagrPercent).toBeCloseTo(30, 9);
		expect(computeGrowth(at('2024-01-01', 100), at('2026-01-01', 25)).cagrPercent).toBeCloseTo(-50, 9);
	});

	it('has no CAGR over a zero span', () => {
		expect(computeGrowth(at('2026-01-01', 100), at('2026-01-01', 100)).cagrPercent).toBeNull();
	});
});

describe('calendar years between two instants', () => {
	it.each([
		['2020-01-01', '2022-01-01', 2],
		// The year after 2015-06-09 holds 29 February 2016: 366 days.
		['2014-06-09', '2015-06-22', 1 + 13 / 366],
		['2024-02-29', '2025-02-28', 1],
		['2026-01-01', '2026-07-02', 182 / 365],
		['2023-07-01', '2024-07-01', 1]
	])('from %s to %s is %d', (from, to, years) => {
		expect(computeYears(Date.parse(from), Date.parse(to))).toBeCloseTo(years, 9);
	});
});

describe('windows pinned to a clock', () => {
	const now = new Date('2026-11-28T15:20:00Z');

	it.each([
		[{ kind: '30d' as const }, '2026-10-29T15:20:00.000Z', '2026-11-28T15:20:00.000Z'],
		[{ kind: '90d' as const }, '2026-08-30T15:20:00.000Z', '2026-11-28T15:20:00.000Z'],
		[{ kind: '1y' as const }, '2025-11-28T15:20:00.000Z', '2026-11-28T15:20:00.000Z'],
		[{ kind: 'ytd' as const }, '2026-01-01T00:00:00.000Z', '2026-11-28T15:20:00.000Z'],
		[{ kind: 'custom' as const, from: '2014-06-09', to: '2015-06-22' }, '2014-06-09T00:00:00.000Z', '2015-06-22T23:59:59.999Z'],
		[{ kind: 'custom' as const, from: '2026-01-15', to: undefined }, '2026-01-15T00:00:00.000Z', '2026-11-28T15:20:00.000Z']
	])('resolves %j', (spec, start, end) => {
		const window = resolveWindow(spec, now);
		expect([window.start.toISOString(), window.end.toISOString()]).toEqual([start, end]);
	});

	it('starts a one-year window on 28 February when a leap day has no anniversary', () => {
		expect(resolveWindow({ kind: '1y' }, new Date('2028-02-29T12:00:00Z')).start.toISOString()).toBe('2027-02-28T12:00:00.000Z');
	});
});

describe('growth of a series in a window', () => {
	const window = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-11-28T00:00:00Z') };

	it('compares the latest sample with the latest one on or before the start', () => {
		const result = computeWindowGrowth(window, {
			atStart: at('2025-12-31', 100),
			atEnd: at('2026-11-27', 150),
			firstFromStart: at('2026-01-02', 101)
		});
		expect(result).toMatchObject({ state: 'growth', isBaseFirstInWindow: false, base: { value: 100 }, growth: { percent: 50 } });
	});

	it('falls back to the first sample inside the window for a series that starts late', () => {
		const result = computeWindowGrowth(window, { atStart: undefined, atEnd: at('2026-11-27', 150), firstFromStart: at('2026-06-01', 120) });
		expect(result).toMatchObject({ state: 'growth', isBaseFirstInWindow: true, base: { value: 120 }, growth: { percent: 25 } });
	});

	it('has no data in the window when the latest sample is before the start', () => {
		const result = computeWindowGrowth(window, { atStart: at('2025-08-22', 70), atEnd: at('2025-08-22', 70), firstFromStart: undefined });
		expect(result).toEqual({ state: 'noData', lastBefore: at('2025-08-22', 70), firstAfter: undefined });
	});

	it('has no data in the window when the series starts after its end', () => {
		const result = computeWindowGrowth(window, { atStart: undefined, atEnd: undefined, firstFromStart: at('2027-01-01', 5) });
		expect(result).toMatchObject({ state: 'noData', lastBefore: undefined, firstAfter: { value: 5 } });
	});

	it('is empty for a series without samples', () => {
		expect(computeWindowGrowth(window, { atStart: undefined, atEnd: undefined, firstFromStart: undefined })).toEqual({ state: 'empty' });
	});
});
