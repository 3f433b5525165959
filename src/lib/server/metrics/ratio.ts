import type { Point } from './transforms.js';

/**
 * One series divided by another at each point of the first (pulls per star): the divisor's value is
 * its latest on or before the point's time (value-at), because the two are sampled by different
 * collectors at different instants and a star count holds until the next one is taken. Where the
 * divisor has no value yet, or it is 0, the ratio is null (no value), never Infinity or a guess. Pure.
 */

export interface TimedValue {
	tMs: number;
	value: number;
}

/**
 * `numerator` and `divisor` in time order; `divisorBefore` is the divisor's last value before its
 * first point, if any (the read's baseline), so that the window's first points have a divisor too.
 */
export function computeRatioPoints(numerator: readonly TimedValue[], divisor: readonly TimedValue[], divisorBefore?: number): Point[] {
	const points: Point[] = [];
	let current = divisorBefore;
	let next = 0;
	for (const { tMs, value } of numerator) {
		while (next < divisor.length && divisor[next]!.tMs <= tMs) current = divisor[next++]!.value;
		points.push([tMs, current === undefined || current === 0 ? null : value / current]);
	}
	return points;
}
