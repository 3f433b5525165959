import type { Point } from './transforms.js';

/**
 * Reduces a series to at most maxPoints while keeping its peaks: the time span is cut into equal
 * buckets (one per pair of output points, as in "min/max per pixel column") and each bucket keeps its
 * lowest and highest point. The first and last points are always kept, so the latest value survives.
 * Points must be sorted by time; null values are kept only where a bucket has nothing else.
 */
export function downsampleMinMax(points: readonly Point[], maxPoints: number): Point[] {
	return selectMinMaxIndices(points, maxPoints).map((i) => points[i]!);
}

/** The indices downsampleMinMax keeps, so that callers can carry per-point details along. */
export function selectMinMaxIndices(points: readonly Point[], maxPoints: number): number[] {
	if (points.length <= maxPoints) return points.map((_, i) => i);
	if (maxPoints < 4) throw new RangeError('downsampleMinMax needs maxPoints >= 4');
	const first = points[0]!;
	const last = points[points.length - 1]!;
	const bucketCount = countPixels(maxPoints);
	const spanMs = last[0] - first[0] || 1;
	const bucketOf = (i: number) =>
		Math.min(bucketCount - 1, Math.floor(((points[i]![0] - first[0]) / spanMs) * bucketCount));
	const keep = new Set<number>([0, points.length - 1]);
	let bucketStart = 1;
	while (bucketStart < points.length - 1) {
		const bucket = bucketOf(bucketStart);
		let end = bucketStart;
		let minAt = -1;
		let maxAt = -1;
		while (end < points.length - 1 && bucketOf(end) === bucket) {
			const value = points[end]![1];
			if (value !== null) {
				if (minAt < 0 || value < points[minAt]![1]!) minAt = end;
				if (maxAt < 0 || value > points[maxAt]![1]!) maxAt = end;
			}
			end++;
		}
		if (minAt < 0) keep.add(bucketStart);
		else keep.add(minAt).add(maxAt);
		bucketStart = end;
	}
	return [...keep].sort((a, b) => a - b);
}

/** How many pixel buckets a thinned series is cut into: each keeps two points, first and last come on top. */
export function countPixels(maxPoints: number): number {
	return Math.floor((maxPoints - 2) / 2);
}

const secondMs = 1000;
const widthUnitsMs = [secondMs, 60 * secondMs, 3_600 * secondMs, 86_400 * secondMs];

/**
 * The width of the pixel buckets a series thinned in SQL is cut into (db/queries/series-extremes.ts),
 * which start at multiples of the width from the epoch rather than at the window's first point, so
 * that a pixel holds the same points whatever window reads it. A span of k widths can touch k + 1
 * such pixels, so the width is span / (pixels - 1): never more pixels than countPixels. It is rounded
 * up to whole seconds, minutes, hours or days (the largest unit at most a tenth of it, so at most 10%
 * coarser): a series growing at its end then keeps its pixels, and the points already drawn, until
 * its span has grown by (pixels - 1) units, instead of every pixel moving with each new sample.
 */
export function computePixelWidthMs(spanMs: number, maxPoints: number): number {
	const exactMs = spanMs / Math.max(1, countPixels(maxPoints) - 1);
	const unitMs = widthUnitsMs.findLast((unit) => unit <= exactMs / 10) ?? secondMs;
	return Math.max(unitMs, Math.ceil(exactMs / unitMs) * unitMs);
}
