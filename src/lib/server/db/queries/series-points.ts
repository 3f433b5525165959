import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { Provenance } from '../schema/index.js';
import type { Interval } from '../../metrics/intervals.js';

export interface SamplePoint {
	tMs: number;
	value: number;
	provenance: Provenance;
	/** Counter-hygiene flags of the sample, or of any sample in the bucket for a bucketed read. */
	flags: string[];
}

export interface SeriesWindow {
	/** The last sample before the window, so that the first bucket's change can be computed. */
	baseline: SamplePoint | undefined;
	points: SamplePoint[];
}

export interface WindowSpec {
	/** Inclusive start; a bucketed read starts at the start of the bucket that holds it. */
	from: Date | undefined;
	/** Exclusive end. */
	to: Date | undefined;
	interval: Interval;
}

interface PointRow {
	is_baseline: boolean;
	t_ms: number;
	value: number;
	provenance: Provenance;
	flags: string | null;
}

/**
 * The one statement behind a series read (exported so that the benchmark can time it bare).
 * Both parts are range scans on the samples primary key (series_id, ts). A bucketed read keeps the
 * last sample of each UTC bucket (counters are read as their value at the end of the period) and
 * labels it with the bucket's start; the unit is a bound parameter from the interval allowlist.
 * Flags are text joined with commas (arrays of arrays do not aggregate); a bucket carries the flags
 * of all its samples, so that an anomaly inside a week still marks the week. Unflagged samples add
 * NULL, not '', to the aggregate: every row of the bucket carries its result, and a string of one
 * comma per sample made a 25,000-sample year take seconds on PGlite.
 */
export function buildSeriesWindowQuery(seriesId: number, spec: WindowSpec): SQL {
	const from = spec.from?.toISOString() ?? '-infinity';
	const to = spec.to?.toISOString() ?? 'infinity';
	const start =
		spec.interval === 'raw'
			? sql`${from}::timestamptz`
			: sql`date_trunc(${spec.interval}::text, ${from}::timestamptz, 'UTC')`;
	const body =
		spec.interval === 'raw'
			? sql`select false as is_baseline, (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance,
					array_to_string(flags, ',') as flags
				from samples where series_id = ${seriesId} and ts >= ${start} and ts < ${to}::timestamptz`
			: sql`select distinct on (bucket) false as is_baseline,
					(extract(epoch from bucket) * 1000)::float8 as t_ms, value, provenance, bucket_flags as flags
				from (
					select date_trunc(${spec.interval}::text, ts, 'UTC') as bucket, ts, value, provenance,
						string_agg(nullif(array_to_string(flags, ','), ''), ',') over (partition by date_trunc(${spec.interval}::text, ts, 'UTC')) as bucket_flags
					from samples where series_id = ${seriesId} and ts >= ${start} and ts < ${to}::timestamptz
				) in_range
				order by bucket, ts desc`;
	return sql`select * from (
			select true as is_baseline, (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance,
				null::text as flags
			from samples where series_id = ${seriesId} and ts < ${start}
			order by ts desc limit 1
		) baseline
		union all
		select * from (${body}) window_points
		order by is_baseline desc, t_ms`;
}

export async function listSeriesWindow(db: Db, seriesId: number, spec: WindowSpec): Promise<SeriesWindow> {
	const rows = await queryRows<PointRow>(db, buildSeriesWindowQuery(seriesId, spec));
	const toPoint = (row: PointRow): SamplePoint => ({
		tMs: Number(row.t_ms),
		value: Number(row.value),
		provenance: row.provenance,
		flags: row.flags ? [...new Set(row.flags.split(','))].filter(Boolean) : []
	});
	const first = rows[0];
	const hasBaseline = first?.is_baseline === true;
	return {
		baseline: hasBaseline ? toPoint(first) : undefined,
		points: (hasBaseline ? rows.slice(1) : rows).map(toPoint)
	};
}
