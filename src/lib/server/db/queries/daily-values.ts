import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { BucketInterval } from '../../metrics/intervals.js';

/**
 * The last value of each UTC day of a series, with the start of the bucket each day falls in: what
 * anomaly scoring reads. The range starts `historyDays` before the bucket holding `from`, so that the
 * first day of the window is judged against a full trailing window; the bucket is computed here, with
 * the same date_trunc as the bucketed read, so a day and its point always agree.
 */

export interface DailyValueRow {
	dayMs: number;
	bucketMs: number;
	value: number;
	/** False for the history before the bucket holding `from`, read only as the baseline. */
	isInRange: boolean;
}

export interface DailyRange {
	from: Date | undefined;
	/** Exclusive. */
	to: Date | undefined;
	interval: BucketInterval;
	historyDays: number;
}

interface Row {
	day_ms: number;
	bucket_ms: number;
	value: number;
	is_in_range: boolean;
}

export async function listDailyValues(db: Db, seriesId: number, range: DailyRange): Promise<DailyValueRow[]> {
	const from = range.from?.toISOString() ?? '-infinity';
	const to = range.to?.toISOString() ?? 'infinity';
	const rangeStart = sql`date_trunc(${range.interval}::text, ${from}::timestamptz, 'UTC')`;
	const start = sql`${rangeStart} - make_interval(days => ${Math.trunc(range.historyDays)}::int)`;
	const rows = await queryRows<Row>(
		db,
		sql`select (extract(epoch from day) * 1000)::float8 as day_ms,
				(extract(epoch from date_trunc(${range.interval}::text, day, 'UTC')) * 1000)::float8 as bucket_ms, value, day >= ${rangeStart} as is_in_range
			from (
				select distinct on (date_trunc('day', ts, 'UTC')) date_trunc('day', ts, 'UTC') as day, value
				from samples
				where series_id = ${seriesId} and ts >= ${start} and ts < ${to}::timestamptz
				order by date_trunc('day', ts, 'UTC'), ts desc
			) days
			order by day`
	);
	return rows.map((r) => ({ dayMs: Number(r.day_ms), bucketMs: Number(r.bucket_ms), value: Number(r.value), isInRange: r.is_in_range }));
}

/**
 * The last value of each UTC day in [fromMs, toMs), for every given counter: the anomaly alert's read.
 * Gauges and published reference figures are not scored (series/anomaly-flags.ts isAnomalyScored), so
 * they are not read.
 */
export async function listRecentDailyValues(db: Db, seriesIds: readonly number[], fromMs: number, toMs: number): Promise<Map<number, { dayMs: number; value: number }[]>> {
	const bySeries = new Map<number, { dayMs: number; value: number }[]>();
	if (seriesIds.length === 0) return bySeries;
	const rows = await queryRows<{ series_id: number; day_ms: number; value: number }>(
		db,
		sql`select series_id, (extract(epoch from day) * 1000)::float8 as day_ms, value
			from (
				select distinct on (x.series_id, date_trunc('day', x.ts, 'UTC')) x.series_id, date_trunc('day', x.ts, 'UTC') as day, x.value
				from samples x
				join series s on s.id = x.series_id and s.kind = 'counter'
				join targets t on t.id = s.target_id and t.source <> 'reference'
				where x.series_id = any(${sql.param([...seriesIds])}::int[])
					and x.ts >= ${new Date(fromMs).toISOString()}::timestamptz and x.ts < ${new Date(toMs).toISOString()}::timestamptz
				order by x.series_id, date_trunc('day', x.ts, 'UTC'), x.ts desc
			) days
			order by series_id, day`
	);
	for (const r of rows) {
		const id = Number(r.series_id);
		const list = bySeries.get(id) ?? [];
		list.push({ dayMs: Number(r.day_ms), value: Number(r.value) });
		bySeries.set(id, list);
	}
	return bySeries;
}
