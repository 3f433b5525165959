/**
 * Bucket sizes for reading a series. Each non-raw interval is a PostgreSQL date_trunc unit, applied in
 * SQL in UTC; the list is the allowlist, so no caller text ever reaches the query as SQL.
 */
export const intervals = ['raw', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type Interval = (typeof intervals)[number];
export type BucketInterval = Exclude<Interval, 'raw'>;

const dayMs = 86_400_000;

/** The shortest a bucket of each interval is (UTC has no daylight saving), to bound how many buckets a span holds. */
export const shortestBucketMs: Record<BucketInterval, number> = {
	day: dayMs,
	week: 7 * dayMs,
	month: 28 * dayMs,
	quarter: 90 * dayMs,
	year: 365 * dayMs
};

/** Transforms computed from one series' own values, in order, one at a time. */
export const streamTransforms = ['value', 'delta', 'growth', 'index'] as const;
export type StreamTransform = (typeof streamTransforms)[number];

/**
 * Transforms that compare buckets, so they need an interval other than raw: share (each series against
 * the sum of the selected series in the same bucket) and yoy (each bucket against the same bucket a
 * year before).
 */
export const bucketTransforms = ['share', 'yoy'] as const;
export type BucketTransform = (typeof bucketTransforms)[number];

export const transforms = [...streamTransforms, ...bucketTransforms] as const;
export type Transform = (typeof transforms)[number];

export const isBucketTransform = (transform: Transform): transform is BucketTransform => (bucketTransforms as readonly string[]).includes(transform);

/** The interval of a share or yoy read; the query schemas refuse raw for those, so raw here is a bug. */
export function requireBucketInterval(interval: Interval, transform: BucketTransform): BucketInterval {
	if (interval === 'raw') throw new Error(`transform=${transform} reached a raw read; its query schema should have refused it`);
	return interval;
}
