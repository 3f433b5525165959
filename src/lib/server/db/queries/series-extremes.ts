import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { Provenance } from '../schema/index.js';
import type { Interval } from '../../metrics/intervals.js';
import {
	buildBaselineQuery,
	buildPointsQuery,
	buildWindowEnd,
	buildWindowStart,
	toSeriesWindow,
	type PointRow,
	type SeriesWindow,
	type WindowSpec
} from './series-points.js';

/**
 * A window read thinned in SQL when it is long, so that the rows moved are bounded by the points drawn
 * rather than by the window: one statement counts the window's points per provenance and returns
 * either every point (a short window, exactly as buildSeriesWindowQuery) or, per pixel bucket, the
 * points with its lowest and highest value, with the window's first and last points. Pixels are
 * multiples of the width from the epoch (the width from metrics/downsample.ts).
 */

/** Times of the first and last point of a window (a bucket's start for a bucketed read). */
export interface WindowBounds {
	firstMs: number;
	lastMs: number;
}

/** Pixel buckets of `widthMs`, from the one holding `firstMs` to the one holding `lastMs`. */
export type PixelGrid = WindowBounds & { widthMs: number };

export interface ThinnedWindow {
	window: SeriesWindow;
	/** Set when the window was thinned: its point count and provenance mix (in order of first appearance). */
	whole: { pointCount: number; provenance: Partial<Record<Provenance, number>> } | undefined;
}

const inWindow = (seriesId: number, spec: WindowSpec) =>
	sql`series_id = ${seriesId} and ts >= ${buildWindowStart(spec)} and ts < ${buildWindowEnd(spec)}`;

const toBucketMs = (interval: Interval, ts: SQL) =>
	interval === 'raw' ? sql`(extract(epoch from ${ts}) * 1000)::float8` : sql`(extract(epoch from date_trunc(${interval}::text, ${ts}, 'UTC')) * 1000)::float8`;

/** Two probes of the primary key (min and max become index lookups), whatever the window's length. */
export function buildWindowBoundsQuery(seriesId: number, spec: WindowSpec): SQL {
	return sql`select ${toBucketMs(spec.interval, sql`min(ts)`)} as first_ms, ${toBucketMs(spec.interval, sql`max(ts)`)} as last_ms
		from samples where ${inWindow(seriesId, spec)}`;
}

/** undefined for an empty window. */
export async function getWindowBounds(db: Db, seriesId: number, spec: WindowSpec): Promise<WindowBounds | undefined> {
	const [row] = await queryRows<{ first_ms: number | null; last_ms: number | null }>(db, buildWindowBoundsQuery(seriesId, spec));
	if (row?.first_ms === null || row?.first_ms === undefined || row.last_ms === null) return undefined;
	return { firstMs: Number(row.first_ms), lastMs: Number(row.last_ms) };
}

/**
 * Raw samples: per pixel two probes of the primary key's range for the pixel, ordered by value (the
 * earliest sample first among equal values, as selectMinMaxIndices keeps), so that nothing sorts the
 * whole window (87,600 samples spilled to disk with the default work_mem). Every probe also stays
 * inside the window.
 */
function buildRawExtremes(seriesId: number, spec: WindowSpec, grid: PixelGrid): SQL {
	const pixelStart = (pixel: SQL) => sql`to_timestamp((${pixel} * ${grid.widthMs}::bigint)::float8 / 1000)`;
	const inPixel = sql`${inWindow(seriesId, spec)} and ts >= ${pixelStart(sql`pixel`)} and ts < ${pixelStart(sql`(pixel + 1)`)}`;
	const columns = sql`ts, value, provenance, flags`;
	const pixels = sql`generate_series(${Math.floor(grid.firstMs / grid.widthMs)}::bigint, ${Math.floor(grid.lastMs / grid.widthMs)}::bigint)`;
	return sql`select distinct (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance, array_to_string(flags, ',') as flags
		from (
			select extremes.* from ${pixels} as pixel
			cross join lateral (
				(select ${columns} from samples where ${inPixel} order by value, ts limit 1)
				union all
				(select ${columns} from samples where ${inPixel} order by value desc, ts limit 1)
			) extremes
			union all (select ${columns} from samples where ${inWindow(seriesId, spec)} order by ts limit 1)
			union all (select ${columns} from samples where ${inWindow(seriesId, spec)} order by ts desc limit 1)
		) kept`;
}

/** Buckets: already one row per bucket (a few thousand for a long window), ranked within each pixel. */
function buildBucketExtremes(grid: PixelGrid): SQL {
	const pixel = sql`floor(t_ms / ${grid.widthMs}::float8)`;
	return sql`select t_ms, value, provenance, flags
		from (
			select *,
				row_number() over (partition by ${pixel} order by value, t_ms) as low_rank,
				row_number() over (partition by ${pixel} order by value desc, t_ms) as high_rank,
				row_number() over (order by t_ms) as from_first,
				row_number() over (order by t_ms desc) as from_last
			from window_points
		) ranked
		where low_rank = 1 or high_rank = 1 or from_first = 1 or from_last = 1`;
}

/**
 * Rows (part, t_ms, value, provenance, flags, point_count): the count of each provenance, the baseline,
 * then the points in time order. Only one of the two point branches runs: each is gated on the count
 * (a one-time filter, so the other is never executed). A bucketed window is computed once (a
 * materialized CTE) and counted, passed whole or ranked from there.
 */
export function buildThinnedWindowQuery(seriesId: number, spec: WindowSpec, grid: PixelGrid, thinAbove: number): SQL {
	const isRaw = spec.interval === 'raw';
	const points = isRaw ? buildPointsQuery(seriesId, spec) : sql`select * from window_points`;
	const extremes = isRaw ? buildRawExtremes(seriesId, spec, grid) : buildBucketExtremes(grid);
	const counts = isRaw
		? sql`select provenance, count(*)::int as point_count, ${toBucketMs('raw', sql`min(ts)`)} as first_ms
			from samples where ${inWindow(seriesId, spec)} group by provenance`
		: sql`select provenance, count(*)::int as point_count, min(t_ms) as first_ms from window_points group by provenance`;
	return sql`with ${isRaw ? sql`` : sql`window_points as materialized (${buildPointsQuery(seriesId, spec)}),`}
		counts as (${counts}),
		is_thinned as (select coalesce(sum(point_count), 0) > ${thinAbove} as yes from counts)
		select 'count' as part, first_ms as t_ms, null::float8 as value, provenance, null::text as flags, point_count from counts
		union all
		select 'baseline', t_ms, value, provenance, flags, null from (${buildBaselineQuery(seriesId, spec)}) baseline
		union all
		select 'point', t_ms, value, provenance, flags, null from (${points}) every_point where not (select yes from is_thinned)
		union all
		select 'point', t_ms, value, provenance, flags, null from (${extremes}) kept where (select yes from is_thinned)
		order by part, t_ms`;
}

type ThinnedRow = Omit<PointRow, 'is_baseline'> & { part: 'count' | 'baseline' | 'point'; point_count: number | null };

/**
 * PostgreSQL cannot tell how few samples a pixel's probe reads, so it costs the raw statement far above
 * jit_above_cost and spent 0.4 s here compiling it; the probes are cheap, so JIT is turned off for this
 * statement alone (PGlite has no JIT and accepts the setting).
 */
export async function listThinnedWindow(db: Db, seriesId: number, spec: WindowSpec, grid: PixelGrid, thinAbove: number): Promise<ThinnedWindow> {
	const rows = await db.transaction(async (tx) => {
		await tx.execute(sql`set local jit = off`);
		return queryRows<ThinnedRow>(tx, buildThinnedWindowQuery(seriesId, spec, grid, thinAbove));
	});
	const provenance: Partial<Record<Provenance, number>> = {};
	let pointCount = 0;
	for (const row of rows) {
		if (row.part !== 'count') continue;
		provenance[row.provenance] = Number(row.point_count);
		pointCount += Number(row.point_count);
	}
	const window = toSeriesWindow(rows.filter((row) => row.part !== 'count').map((row) => ({ ...row, is_baseline: row.part === 'baseline' })));
	return { window, whole: pointCount > thinAbove ? { pointCount, provenance } : undefined };
}
