import type { StreamTransform } from './intervals.js';

/** A point as the API returns it: epoch milliseconds and a value, null where it is undefined. */
export type Point = [tMs: number, value: number | null];

/**
 * Turns each value of a series, in time order, into what the caller asked for; one value at a time, so
 * that an export can stream a series of any length through it.
 * - value: unchanged;
 * - delta: change since the previous value (for the first one, since `baseline`, the last value
 *   before the range, when there is one);
 * - growth: that change in percent of the previous value; null on a zero base;
 * - index: 100 x value / first value; null throughout when the first value is 0.
 * Multiplying before dividing keeps results on integer data exact where they can be (23 x 100 / 20 is
 * 115, while 23 / 20 x 100 is 114.99999999999999). An undefined result is null, never dropped, so
 * that series stay aligned.
 */
export function createTransformer(transform: StreamTransform, baseline: number | undefined): (value: number) => number | null {
	let previous = baseline;
	let first: number | undefined;
	return (value) => {
		const before = previous;
		previous = value;
		first ??= value;
		switch (transform) {
			case 'value':
				return value;
			case 'delta':
				return before === undefined ? null : value - before;
			case 'growth':
				return before === undefined || before === 0 ? null : ((value - before) * 100) / before;
			case 'index':
				return first === 0 ? null : (value * 100) / first;
		}
	};
}

/**
 * Trailing moving average over `periods` values (the value itself and the periods - 1 before it), as
 * Grafana's "moving average" smooths: null until a full window of non-null values exists, so that a
 * smoothed line never starts on a partial, misleading average. The running sum is recomputed from the
 * window once per `periods` values, so that rounding errors cannot pile up over a long series while
 * each value still costs O(1) on average.
 */
export function createMovingAverage(periods: number): (value: number | null) => number | null {
	const ring: (number | null)[] = new Array(periods).fill(null);
	let seen = 0;
	let sum = 0;
	let nulls = periods;
	return (value) => {
		if (periods <= 1) return value;
		const slot = seen % periods;
		const leaving = ring[slot] ?? null;
		ring[slot] = value;
		seen++;
		if (leaving === null) nulls--;
		else sum -= leaving;
		if (value === null) nulls++;
		else sum += value;
		if (slot === periods - 1) sum = ring.reduce<number>((total, v) => total + (v ?? 0), 0);
		return seen >= periods && nulls === 0 ? sum / periods : null;
	};
}

export function applyTransform(points: readonly [number, number][], transform: StreamTransform, baseline: number | undefined): Point[] {
	const next = createTransformer(transform, baseline);
	return points.map(([t, v]) => [t, next(v)]);
}

export function applyMovingAverage(points: readonly Point[], periods: number): Point[] {
	const next = createMovingAverage(periods);
	return points.map(([t, v]) => [t, next(v)]);
}
