import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { Provenance } from '../schema/index.js';
import type { WindowSpec } from './series-points.js';

/**
 * A series read in pages, for exports of any length with flat memory: each page is a range scan on the
 * samples primary key (series_id, ts) that starts after the last point of the previous page (keyset
 * paging, so page n costs what page 1 costs). Bucketed pages hold whole buckets: each keeps the last
 * sample of its UTC bucket, labelled with the bucket's start, as the series API does.
 */

export interface PagePoint {
	tMs: number;
	value: number;
	provenance: Provenance;
	flags: string[];
}

interface PageRow {
	t_ms: number;
	value: number;
	provenance: Provenance;
	flags: string | null;
}

export function toPagePoint(row: PageRow): PagePoint {
	return {
		tMs: Number(row.t_ms),
		value: Number(row.value),
		provenance: row.provenance,
		flags: row.flags ? [...new Set(row.flags.split(','))].filter(Boolean) : []
	};
}

/** The page of points after `afterMs` (a point's time: a sample's, or a bucket's start). */
export async function listSeriesPage(
	db: Db,
	seriesId: number,
	spec: WindowSpec,
	afterMs: number | undefined,
	limit: number
): Promise<PagePoint[]> {
	const from = spec.from?.toISOString() ?? '-infinity';
	const to = spec.to?.toISOString() ?? 'infinity';
	const after = afterMs === undefined ? '-infinity' : new Date(afterMs).toISOString();
	const query =
		spec.interval === 'raw'
			? sql`select (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance, array_to_string(flags, ',') as flags
				from samples
				where series_id = ${seriesId} and ts >= ${from}::timestamptz and ts < ${to}::timestamptz and ts > ${after}::timestamptz
				order by ts limit ${limit}`
			: sql`select distinct on (bucket) (extract(epoch from bucket) * 1000)::float8 as t_ms, value, provenance,
					bucket_flags as flags
				from (
					select date_trunc(${spec.interval}::text, ts, 'UTC') as bucket, ts, value, provenance,
						string_agg(nullif(array_to_string(flags, ','), ''), ',') over (partition by date_trunc(${spec.interval}::text, ts, 'UTC')) as bucket_flags
					from samples
					where series_id = ${seriesId}
						and ts >= greatest(date_trunc(${spec.interval}::text, ${from}::timestamptz, 'UTC'), ${after}::timestamptz)
						and ts < ${to}::timestamptz
						and date_trunc(${spec.interval}::text, ts, 'UTC') > ${after}::timestamptz
				) in_range
				order by bucket, ts desc
				limit ${limit}`;
	return (await queryRows<PageRow>(db, query)).map(toPagePoint);
}

/** The last sample before `before`: the baseline of a range's first delta or growth. */
export async function getValueBefore(db: Db, seriesId: number, before: Date | undefined, interval: WindowSpec['interval']): Promise<number | undefined> {
	if (!before) return undefined;
	const start =
		interval === 'raw' ? sql`${before.toISOString()}::timestamptz` : sql`date_trunc(${interval}::text, ${before.toISOString()}::timestamptz, 'UTC')`;
	const [row] = await queryRows<{ value: number }>(
		db,
		sql`select value from samples where series_id = ${seriesId} and ts < ${start} order by ts desc limit 1`
	);
	return row === undefined ? undefined : Number(row.value);
}
