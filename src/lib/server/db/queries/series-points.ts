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

export interface PointRow {
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
 * of all its samples, in time order (so that a compacted day, whose sample carries its day's flags in
 * that order, reads the same: db/queries/compaction.ts), and an anomaly inside a week still marks the
 * week. Unflagged samples add
 * NULL, not '', to the aggregate: every row of the bucket carries its result, and a string of one
 * comma per sample made a 25,000-sample year take seconds on PGlite.
 */
/** Where a read of points begins: the start of the range, or of the bucket that holds it. */
export function buildWindowStart(spec: WindowSpec): SQL {
	const from = spec.from?.toISOString() ?? '-infinity';
	return spec.interval === 'raw' ? sql`${from}::timestamptz` : sql`date_trunc(${spec.interval}::text, ${from}::timestamptz, 'UTC')`;
}

/** Where a read of points ends (exclusive). */
export function buildWindowEnd(spec: WindowSpec): SQL {
	return sql`${spec.to?.toISOString() ?? 'infinity'}::timestamptz`;
}

/**
 * The points of a series from `start` to the end of the window, as (t_ms, value, provenance, flags)
 * in time order: samples, or the last sample of each bucket. With `afterMs` (keyset paging) only the
 * points after that point's time, at most `limit` of them.
 */
export function buildPointsQuery(seriesId: number, spec: WindowSpec, page?: { afterMs: number | undefined; limit: number }): SQL {
	const to = buildWindowEnd(spec);
	const after = page?.afterMs === undefined ? '-infinity' : new Date(page.afterMs).toISOString();
	const limit = page ? sql`limit ${page.limit}` : sql``;
	if (spec.interval === 'raw') {
		return sql`select (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance, array_to_string(flags, ',') as flags
			from samples
			where series_id = ${seriesId} and ts >= ${buildWindowStart(spec)} and ts < ${to} and ts > ${after}::timestamptz
			order by ts ${limit}`;
	}
	const bucket = sql`date_trunc(${spec.interval}::text, ts, 'UTC')`;
	// The scan starts at the last page's final bucket, whose samples the bucket filter then skips.
	return sql`select distinct on (bucket) (extract(epoch from bucket) * 1000)::float8 as t_ms, value, provenance, bucket_flags as flags
		from (
			select ${bucket} as bucket, ts, value, provenance,
				string_agg(nullif(array_to_string(flags, ','), ''), ',') over (partition by ${bucket} order by ts
					rows between unbounded preceding and unbounded following) as bucket_flags
			from samples
			where series_id = ${seriesId} and ts >= greatest(${buildWindowStart(spec)}, ${after}::timestamptz)
				and ts < ${to} and ${bucket} > ${after}::timestamptz
		) in_range
		order by bucket, ts desc ${limit}`;
}

/** The baseline row of a window read: (is_baseline, t_ms, value, provenance, flags) of the sample before it, if any. */
export function buildBaselineQuery(seriesId: number, spec: WindowSpec): SQL {
	return sql`select true as is_baseline, (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance,
			null::text as flags
		from samples where series_id = ${seriesId} and ts < ${buildWindowStart(spec)}
		order by ts desc limit 1`;
}

export function buildSeriesWindowQuery(seriesId: number, spec: WindowSpec): SQL {
	return sql`select * from (${buildBaselineQuery(seriesId, spec)}) baseline
		union all
		select false, * from (${buildPointsQuery(seriesId, spec)}) window_points
		order by is_baseline desc, t_ms`;
}

export async function listSeriesWindow(db: Db, seriesId: number, spec: WindowSpec): Promise<SeriesWindow> {
	return toSeriesWindow(await queryRows<PointRow>(db, buildSeriesWindowQuery(seriesId, spec)));
}

/** Rows of (is_baseline, t_ms, value, provenance, flags), the baseline first, as a window. */
export function toSeriesWindow(rows: readonly PointRow[]): SeriesWindow {
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
