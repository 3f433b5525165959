import { addUtcYears } from './growth.js';
import type { BucketInterval } from './intervals.js';

/**
 * Year over year: a bucket's change against the same bucket a year before, in percent of that
 * earlier value. "The same bucket" is the same calendar day, month, quarter or year one year earlier
 * (29 February compares with 28 February); an ISO week compares with the week 52 weeks earlier, which
 * is again a Monday-started week (a calendar year back would land mid-week).
 */

const dayMs = 86_400_000;
const weeksPerYear = 52;

/**
 * The start of the bucket a year before the bucket starting at `tMs` (a UTC bucket start). Never
 * decreasing in `tMs`, so a reader walking a series forwards can walk its year-earlier copy forwards too.
 */
export function computeYearBeforeMs(tMs: number, interval: BucketInterval): number {
	if (interval === 'week') return tMs - weeksPerYear * 7 * dayMs;
	return addUtcYears(tMs, -1);
}

/** (value - before) x 100 / before; null without a value a year before, or when it was 0. */
export function computeYearOverYear(value: number, before: number | undefined): number | null {
	if (before === undefined || before === 0) return null;
	return ((value - before) * 100) / before;
}

/**
 * How far before a window's `from` a year-over-year read must start so that the window's first bucket
 * finds its year-earlier bucket: a year (366 days at most) plus a week, as the window's first bucket
 * may start up to 6 days before `from` (a week) and is then truncated to its own bucket start.
 */
export const yearOverYearLookbackMs = (366 + 7) * dayMs;

/** yoy of each point, looking its year-earlier value up among `history` (points before and in the window). */
export function applyYearOverYear(
	points: readonly (readonly [number, number])[],
	history: ReadonlyMap<number, number>,
	interval: BucketInterval
): [number, number | null][] {
	return points.map(([tMs, value]) => [tMs, computeYearOverYear(value, history.get(computeYearBeforeMs(tMs, interval)))]);
}
