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
	const bucketCount = Math.floor((maxPoints - 2) / 2);
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
