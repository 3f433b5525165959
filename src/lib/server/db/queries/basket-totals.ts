import { sql } from 'drizzle-orm';
import type { BasketTotal } from '../../metrics/share.js';
import type { BucketInterval } from '../../metrics/intervals.js';
import { queryRows, type Db } from '../client.js';
import { buildWindowStart, type WindowSpec } from './series-points.js';

interface TotalRow {
	t_ms: number;
	total: number;
	series_count: number;
}

/**
 * The denominator of transform=share: for each bucket of the window, the sum of the selected series'
 * bucket values (each series' last sample in the bucket, as a bucketed read keeps) and how many series
 * had one. One grouped statement for any number of series, so an export of a thousand series holds one
 * number pair per bucket, not the series. Each series' part is a range scan on (series_id, ts).
 */
export async function listBasketTotals(
	db: Db,
	seriesIds: readonly number[],
	spec: WindowSpec & { interval: BucketInterval }
): Promise<Map<number, BasketTotal>> {
	const to = spec.to?.toISOString() ?? 'infinity';
	const bucket = sql`date_trunc(${spec.interval}::text, ts, 'UTC')`;
	const rows = await queryRows<TotalRow>(
		db,
		sql`select (extract(epoch from bucket) * 1000)::float8 as t_ms, sum(value)::float8 as total, count(*)::int as series_count
			from (
				select distinct on (series_id, bucket) series_id, ${bucket} as bucket, value
				from samples
				where series_id = any(${sql.param([...seriesIds])}::int[])
					and ts >= ${buildWindowStart(spec)} and ts < ${to}::timestamptz
				order by series_id, bucket, ts desc
			) last_values
			group by bucket`
	);
	return new Map(rows.map((row) => [Number(row.t_ms), { total: Number(row.total), seriesCount: Number(row.series_count) }]));
}
