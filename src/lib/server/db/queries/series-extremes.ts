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
 * Long windows thinned in SQL, so that the rows moved are bounded by the points drawn rather than by
 * the window: per pixel bucket the points with its lowest and highest value, with the window's first
 * and last points and the baseline. Pixels are multiples of the width from the epoch (the width from
 * metrics/downsample.ts). A raw window is counted first (an aggregate, no sample moved); a bucketed one
 * is bucketed once and counted in the same statement, which passes every bucket when they are few.
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

/** The samples of a raw window: how many of each provenance (in order of first appearance), and its bounds. */
export interface SampleCount extends WindowBounds {
	pointCount: number;
	provenance: Partial<Record<Provenance, number>>;
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

/** A raw window's samples per provenance with their first and last times: one scan, no sample moved. */
export function buildSampleCountQuery(seriesId: number, spec: WindowSpec): SQL {
	return sql`select provenance, count(*)::int as point_count,
			${toBucketMs('raw', sql`min(ts)`)} as first_ms, ${toBucketMs('raw', sql`max(ts)`)} as last_ms
		from samples where ${inWindow(seriesId, spec)}
		group by provenance order by first_ms`;
}

/** undefined for an empty window. */
export async function countWindowSamples(db: Db, seriesId: number, spec: WindowSpec): Promise<SampleCount | undefined> {
	const rows = await queryRows<{ provenance: Provenance; point_count: number; first_ms: number; last_ms: number }>(db, buildSampleCountQuery(seriesId, spec));
	if (rows.length === 0) return undefined;
	const provenance: Partial<Record<Provenance, number>> = {};
	for (const row of rows) provenance[row.provenance] = Number(row.point_count);
	return {
		pointCount: rows.reduce((total, row) => total + Number(row.point_count), 0),
		firstMs: Math.min(...rows.map((row) => Number(row.first_ms))),
		lastMs: Math.max(...rows.map((row) => Number(row.last_ms))),
		provenance
	};
}

/**
 * Raw samples: per pixel two probes of the primary key's range for the pixel, ordered by value (the
 * earliest sample first among equal values, as selectMinMaxIndices keeps), so that nothing sorts the
 * whole window (87,600 samples spilled to disk with the default work_mem); then the first and last
 * samples, and the baseline. Every probe also stays inside the window. Rows as buildSeriesWindowQuery's.
 */
export function buildRawExtremesQuery(seriesId: number, spec: WindowSpec, grid: PixelGrid): SQL {
	const pixelStart = (pixel: SQL) => sql`to_timestamp((${pixel} * ${grid.widthMs}::bigint)::float8 / 1000)`;
	const inPixel = sql`${inWindow(seriesId, spec)} and ts >= ${pixelStart(sql`pixel`)} and ts < ${pixelStart(sql`(pixel + 1)`)}`;
	const columns = sql`ts, value, provenance, flags`;
	const pixels = sql`generate_series(${Math.floor(grid.firstMs / grid.widthMs)}::bigint, ${Math.floor(grid.lastMs / grid.widthMs)}::bigint)`;
	return sql`select * from (${buildBaselineQuery(seriesId, spec)}) baseline
		union all
		select distinct false, (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance, array_to_string(flags, ',') as flags
		from (
			select extremes.* from ${pixels} as pixel
			cross join lateral (
				(select ${columns} from samples where ${inPixel} order by value, ts limit 1)
				union all
				(select ${columns} from samples where ${inPixel} order by value desc, ts limit 1)
			) extremes
			union all (select ${columns} from samples where ${inWindow(seriesId, spec)} order by ts limit 1)
			union all (select ${columns} from samples where ${inWindow(seriesId, spec)} order by ts desc limit 1)
		) kept
		order by is_baseline desc, t_ms`;
}

/**
 * PostgreSQL cannot tell how few samples a pixel's probe reads, so it can cost the statement far above
 * jit_above_cost: it spent 0.4 s compiling one for a 10-year hourly series. The probes are cheap, so
 * JIT is turned off for this statement alone (PGlite has no JIT and accepts the setting).
 */
export async function listRawExtremes(db: Db, seriesId: number, spec: WindowSpec, grid: PixelGrid): Promise<SeriesWindow> {
	const rows = await db.transaction(async (tx) => {
		await tx.execute(sql`set local jit = off`);
		return queryRows<PointRow>(tx, buildRawExtremesQuery(seriesId, spec, grid));
	});
	return toSeriesWindow(rows);
}

/**
 * Buckets: computed once (a materialized CTE, one row per bucket) and counted per provenance; then every
 * bucket when there are at most `thinAbove`, else each pixel's extremes with the first and last. The
 * extremes are found by aggregating, not sorting: [value, t_ms] arrays compare element by element, so
 * their min is the earliest lowest point and the max of [value, -t_ms] the earliest highest; they are
 * aggregated only when the count says so (a one-time filter). Only `widthMs` of the grid is used. Rows
 * (part, t_ms, value, provenance, flags, point_count): the counts in order of first appearance, the
 * baseline, the points in time order.
 */
export function buildThinnedBucketsQuery(seriesId: number, spec: WindowSpec, grid: PixelGrid, thinAbove: number): SQL {
	return sql`with window_points as materialized (${buildPointsQuery(seriesId, spec)}),
		counts as (
			select provenance, count(*)::int as point_count, min(t_ms) as first_ms, max(t_ms) as last_ms
			from window_points group by provenance
		),
		is_thinned as (select coalesce(sum(point_count), 0) > ${thinAbove} as yes from counts),
		extremes as (
			select min(array[value, t_ms]) as low, max(array[value, -t_ms]) as high
			from window_points where (select yes from is_thinned) group by floor(t_ms / ${grid.widthMs}::float8)
		),
		kept as (
			select low[2] as t_ms from extremes union select -high[2] from extremes
			union select min(first_ms) from counts union select max(last_ms) from counts
		)
		select 'count' as part, first_ms as t_ms, null::float8 as value, provenance, null::text as flags, point_count from counts
		union all
		select 'baseline', t_ms, value, provenance, flags, null from (${buildBaselineQuery(seriesId, spec)}) baseline
		union all
		select 'point', t_ms, value, provenance, flags, null from window_points
		where not (select yes from is_thinned) or t_ms in (select t_ms from kept)
		order by part, t_ms`;
}

type ThinnedRow = Omit<PointRow, 'is_baseline'> & { part: 'count' | 'baseline' | 'point'; point_count: number | null };

export async function listThinnedBuckets(db: Db, seriesId: number, spec: WindowSpec, grid: PixelGrid, thinAbove: number): Promise<ThinnedWindow> {
	const rows = await queryRows<ThinnedRow>(db, buildThinnedBucketsQuery(seriesId, spec, grid, thinAbove));
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
