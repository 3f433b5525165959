import type { Db } from '../db/client.js';
import {
	countWindowSamples,
	getWindowBounds,
	listRawExtremes,
	listThinnedBuckets,
	type ThinnedWindow,
	type WindowBounds
} from '../db/queries/series-extremes.js';
import { listSeriesWindow } from '../db/queries/series-points.js';
import { computePixelWidthMs } from '../metrics/downsample.js';
import { shortestBucketMs, type BucketInterval } from '../metrics/intervals.js';
import type { SeriesQuery } from './params.js';

/**
 * The window of a stored series as /api/series reads it. A window of more than twice `points` points
 * is thinned in SQL: only each pixel's lowest and highest point, the first and the last come back
 * (at most `points` rows where a 10-year hourly series would move 87,600), and its point count and
 * provenance mix are counted by the database. Up to that, every point is read as before and thinned
 * in JavaScript (selectMinMaxIndices), so a short window's answer is what it always was.
 */

/** A window of more points than this many times `points` is thinned in SQL. */
export const sqlThinningFactor = 2;

/**
 * Whether the points drawn can be taken from the pixel extremes of the stored values. `value` is those
 * values; `index` is value x 100 / the first value, a linear map that keeps a pixel's extremes where they
 * were (swapped when the first is negative, and both are kept), and the first point is always kept
 * (when the first value is 0 every point is null, whichever are kept). delta and growth need each
 * point's neighbour, share the basket's sums, yoy the year before and smoothing the points before:
 * those read the whole window.
 */
export function isThinnableInSql(query: Pick<SeriesQuery, 'transform' | 'smooth'>): boolean {
	return (query.transform === 'value' || query.transform === 'index') && query.smooth === 1;
}

/** At most how many buckets of `interval` a window spanning `bounds` holds. */
function countBucketsAtMost(bounds: WindowBounds, interval: BucketInterval): number {
	return Math.floor((bounds.lastMs - bounds.firstMs) / shortestBucketMs[interval]) + 1;
}

const toGrid = (bounds: WindowBounds, maxPoints: number) => ({ ...bounds, widthMs: computePixelWidthMs(bounds.lastMs - bounds.firstMs, maxPoints) });

export async function readStoredWindow(db: Db, seriesId: number, query: SeriesQuery): Promise<ThinnedWindow> {
	const thinAbove = sqlThinningFactor * query.points;
	const readWhole = async () => ({ window: await listSeriesWindow(db, seriesId, query), whole: undefined });
	if (!isThinnableInSql(query)) return readWhole();
	const { interval } = query;
	if (interval === 'raw') {
		// Counted first, moving no sample: a short window is then read exactly as before.
		const count = await countWindowSamples(db, seriesId, query);
		if (!count || count.pointCount <= thinAbove) return readWhole();
		const window = await listRawExtremes(db, seriesId, query, toGrid(count, query.points));
		return { window, whole: { pointCount: count.pointCount, provenance: count.provenance } };
	}
	// Counting buckets costs what bucketing does, so the bucketed statement counts them itself; its bounds
	// (two index probes) size the pixels and spare a window that cannot hold that many buckets.
	const bounds = await getWindowBounds(db, seriesId, query);
	if (!bounds || countBucketsAtMost(bounds, interval) <= thinAbove) return readWhole();
	return listThinnedBuckets(db, seriesId, query, toGrid(bounds, query.points), thinAbove);
}
