import type { Db } from '../db/client.js';
import { getWindowBounds, listThinnedWindow, type ThinnedWindow, type WindowBounds } from '../db/queries/series-extremes.js';
import { listSeriesWindow } from '../db/queries/series-points.js';
import { computePixelWidthMs } from '../metrics/downsample.js';
import { shortestBucketMs, type Interval } from '../metrics/intervals.js';
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

/** At most how many points a window spanning `bounds` holds: unbounded for raw samples. */
function countPointsAtMost(bounds: WindowBounds, interval: Interval): number {
	return interval === 'raw' ? Number.POSITIVE_INFINITY : Math.floor((bounds.lastMs - bounds.firstMs) / shortestBucketMs[interval]) + 1;
}

export async function readStoredWindow(db: Db, seriesId: number, query: SeriesQuery): Promise<ThinnedWindow> {
	const thinAbove = sqlThinningFactor * query.points;
	// The bounds (two index probes) size the pixels, and spare a bucketed read that cannot be long the count.
	const bounds = isThinnableInSql(query) ? await getWindowBounds(db, seriesId, query) : undefined;
	if (!bounds || countPointsAtMost(bounds, query.interval) <= thinAbove) {
		return { window: await listSeriesWindow(db, seriesId, query), whole: undefined };
	}
	const grid = { ...bounds, widthMs: computePixelWidthMs(bounds.lastMs - bounds.firstMs, query.points) };
	return listThinnedWindow(db, seriesId, query, grid, thinAbove);
}
