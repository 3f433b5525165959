import type { Db } from '../db/client.js';
import { listBasketTotals } from '../db/queries/basket-totals.js';
import { listSeriesWindow, type SeriesWindow, type WindowSpec } from '../db/queries/series-points.js';
import { requireBucketInterval, type Transform } from '../metrics/intervals.js';
import { computeShare, type BasketTotal } from '../metrics/share.js';
import { applyMovingAverage, applyTransform, type Point } from '../metrics/transforms.js';
import { applyYearOverYear, yearOverYearLookbackMs } from '../metrics/year-over-year.js';

/**
 * A series window turned into what the read asked for, before thinning: the transform, then the
 * moving average. share and yoy need more than the window itself: share the basket's sum per bucket
 * (read once for all selected series), yoy the values of the year before the window.
 */

export interface TransformSpec extends WindowSpec {
	transform: Transform;
	smooth: number;
}

/** The denominators of a share read, or undefined for any other transform. */
export async function readBasketTotals(db: Db, seriesIds: readonly number[], spec: TransformSpec): Promise<Map<number, BasketTotal> | undefined> {
	if (spec.transform !== 'share') return undefined;
	return listBasketTotals(db, seriesIds, { ...spec, interval: requireBucketInterval(spec.interval, 'share') });
}

/** The bucket values of the year before the window and of the window itself, by bucket time. */
async function readYearOverYearHistory(db: Db, seriesId: number, window: SeriesWindow, spec: WindowSpec): Promise<Map<number, number>> {
	const history = new Map<number, number>();
	if (spec.from) {
		const from = new Date(spec.from.getTime() - yearOverYearLookbackMs);
		// Ends where the window starts; the window's own (complete) first bucket then replaces the partial one.
		const before = await listSeriesWindow(db, seriesId, { from, to: spec.from, interval: spec.interval });
		for (const p of before.points) history.set(p.tMs, p.value);
	}
	for (const p of window.points) history.set(p.tMs, p.value);
	return history;
}

export async function transformWindow(
	db: Db,
	seriesId: number,
	window: SeriesWindow,
	spec: TransformSpec,
	totals: ReadonlyMap<number, BasketTotal> | undefined
): Promise<Point[]> {
	const values = window.points.map((p): [number, number] => [p.tMs, p.value]);
	let transformed: Point[];
	if (spec.transform === 'share') {
		transformed = values.map(([t, v]) => [t, computeShare(v, totals?.get(t))]);
	} else if (spec.transform === 'yoy') {
		const history = await readYearOverYearHistory(db, seriesId, window, spec);
		transformed = applyYearOverYear(values, history, requireBucketInterval(spec.interval, 'yoy'));
	} else {
		transformed = applyTransform(values, spec.transform, window.baseline?.value);
	}
	return applyMovingAverage(transformed, spec.smooth);
}
