import type { Transform } from './intervals.js';

/** A point as the API returns it: epoch milliseconds and a value, null where it is undefined. */
export type Point = [tMs: number, value: number | null];

/**
 * Turns the value of each bucket into what the caller asked for.
 * - value: unchanged;
 * - delta: change since the previous point (for the first point, since `baseline`, the last value
 *   before the range, when there is one);
 * - growth: that change in percent of the previous value; null on a zero base;
 * - index: 100 x value / first value in the range; null throughout when the first value is 0.
 * Multiplying before dividing keeps results on integer data exact where they can be (23 x 100 / 20 is
 * 115, while 23 / 20 x 100 is 114.99999999999999).
 * Points keep their timestamps so that series stay aligned; an undefined result is null, not dropped.
 */
export function applyTransform(
	points: readonly [number, number][],
	transform: Transform,
	baseline: number | undefined
): Point[] {
	switch (transform) {
		case 'value':
			return points.map(([t, v]) => [t, v]);
		case 'delta':
			return points.map(([t, v], i) => {
				const previous = i === 0 ? baseline : points[i - 1]![1];
				return [t, previous === undefined ? null : v - previous];
			});
		case 'growth':
			return points.map(([t, v], i) => {
				const previous = i === 0 ? baseline : points[i - 1]![1];
				return [t, previous === undefined || previous === 0 ? null : ((v - previous) * 100) / previous];
			});
		case 'index': {
			const base = points[0]?.[1];
			return points.map(([t, v]) => [t, base === undefined || base === 0 ? null : (v * 100) / base]);
		}
	}
}

/**
 * Trailing moving average over `periods` points (the point itself and the periods - 1 before it), as
 * Grafana's "moving average" smooths: a point is null until a full window of non-null values exists,
 * so that a smoothed line never starts on a partial, misleading average.
 */
export function applyMovingAverage(points: readonly Point[], periods: number): Point[] {
	if (periods <= 1) return [...points];
	const result: Point[] = [];
	let sum = 0;
	let count = 0;
	for (let i = 0; i < points.length; i++) {
		const [t, v] = points[i]!;
		if (v !== null) {
			sum += v;
			count++;
		}
		const leaving = i >= periods ? points[i - periods]![1] : null;
		if (leaving !== null) {
			sum -= leaving;
			count--;
		}
		result.push([t, i >= periods - 1 && count === periods ? sum / periods : null]);
	}
	return result;
}
