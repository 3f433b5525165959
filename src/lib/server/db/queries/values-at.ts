import { sql, type SQL } from 'drizzle-orm';
import { arrayColumn, queryRows, type Db } from '../client.js';
import type { Provenance } from '../schema/index.js';

/**
 * The value of many series at one instant, in one statement: the ids are unnested and each is probed
 * once on the samples primary key (series_id, ts), so the cost is one index descent per series
 * whatever the length of its history.
 */

export interface SampleAt {
	seriesId: number;
	ts: Date;
	value: number;
	provenance: Provenance;
	/** A reference figure's citation, or a remark on the sample. */
	note: string | null;
}

interface SampleRow {
	series_id: number;
	t_ms: number;
	value: number;
	provenance: Provenance;
	note: string | null;
}

function toSample(row: SampleRow): SampleAt {
	return { seriesId: Number(row.series_id), ts: new Date(Number(row.t_ms)), value: Number(row.value), provenance: row.provenance, note: row.note };
}

/** The nearest sample on or before `at` of each series (exported bare for the benchmark). */
export function buildValuesAtQuery(seriesIds: readonly number[], at: Date): SQL {
	return sql`select ids.series_id, (extract(epoch from v.ts) * 1000)::float8 as t_ms, v.value, v.provenance, v.note
		from unnest(${sql.param([...seriesIds])}::int[]) with ordinality as ids(series_id, n)
		cross join lateral (
			select ts, value, provenance, note from samples
			where series_id = ids.series_id and ts <= ${at.toISOString()}::timestamptz
			order by ts desc limit 1
		) v
		order by ids.n`;
}

/** The first sample on or after `at` of each series: the forward probe, for series that start late. */
export function buildFirstValuesFromQuery(seriesIds: readonly number[], at: Date): SQL {
	return sql`select ids.series_id, (extract(epoch from v.ts) * 1000)::float8 as t_ms, v.value, v.provenance, v.note
		from unnest(${sql.param([...seriesIds])}::int[]) with ordinality as ids(series_id, n)
		cross join lateral (
			select ts, value, provenance, note from samples
			where series_id = ids.series_id and ts >= ${at.toISOString()}::timestamptz
			order by ts limit 1
		) v
		order by ids.n`;
}

/** The nearest sample on or before `at` of each series, in the order of seriesIds; series with none are left out. */
export async function listValuesAt(db: Db, seriesIds: readonly number[], at: Date): Promise<SampleAt[]> {
	if (seriesIds.length === 0) return [];
	const rows = await queryRows<SampleRow>(db, buildValuesAtQuery(seriesIds, at));
	return rows.map(toSample);
}

/** The first sample on or after `at` of each series, in the order of seriesIds; series with none are left out. */
export async function listFirstValuesFrom(db: Db, seriesIds: readonly number[], at: Date): Promise<SampleAt[]> {
	if (seriesIds.length === 0) return [];
	const rows = await queryRows<SampleRow>(db, buildFirstValuesFromQuery(seriesIds, at));
	return rows.map(toSample);
}

export interface NewestSamples {
	/** The newest sample the collectors took, or undefined before the first collection. */
	observed: Date | undefined;
	/** The newest sample of any provenance. */
	any: Date | undefined;
}

/**
 * How recent the data is, from each series' newest sample (series_latest: one row per series, not a
 * probe of samples per series). An observed sample older than an imported one in the same series is
 * not seen; collectors poll the present, so a series' newest sample is its newest observation whenever
 * it has one.
 */
export async function getNewestSamples(db: Db): Promise<NewestSamples> {
	const [row] = await queryRows<{ observed_ms: number | null; any_ms: number | null }>(
		db,
		sql`select (extract(epoch from max(ts) filter (where provenance = 'observed')) * 1000)::float8 as observed_ms,
				(extract(epoch from max(ts)) * 1000)::float8 as any_ms
			from series_latest`
	);
	const toDate = (ms: number | null | undefined) => (ms === null || ms === undefined ? undefined : new Date(Number(ms)));
	return { observed: toDate(row?.observed_ms), any: toDate(row?.any_ms) };
}

/** An instant and whether a sample exactly at it counts as past it. */
export interface SampleBound {
	at: Date;
	isInclusive: boolean;
}

/**
 * For each bound, the first sample time (epoch ms) at or after it (after it, when not inclusive) among
 * these series, or null: where a window edge sliding forward from the bound first meets a sample. One
 * statement, one index probe per series and bound.
 */
export async function listNextSampleTimes(db: Db, seriesIds: readonly number[], bounds: readonly SampleBound[]): Promise<(number | null)[]> {
	if (seriesIds.length === 0) return bounds.map(() => null);
	const ids = arrayColumn(seriesIds, (id) => id, 'int');
	const columns = bounds.map(
		(bound, i) => sql`(select (extract(epoch from min(n.ts)) * 1000)::float8
			from unnest(${ids}) as ids(series_id)
			cross join lateral (
				select ts from samples
				where series_id = ids.series_id and ts ${bound.isInclusive ? sql`>=` : sql`>`} ${bound.at.toISOString()}::timestamptz
				order by ts limit 1
			) n) as ${sql.raw(`next_${i}`)}`
	);
	const [row] = await queryRows<Record<string, number | null>>(db, sql`select ${sql.join(columns, sql`, `)}`);
	return bounds.map((_, i) => {
		const ms = row?.[`next_${i}`];
		return ms === null || ms === undefined ? null : Number(ms);
	});
}
