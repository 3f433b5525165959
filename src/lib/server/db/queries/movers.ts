import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { Provenance } from '../schema/index.js';

/**
 * The series that grew most over a window, by percent and by absolute change, in one statement over
 * every series: the latest sample on or before the end (series_latest when the window ends now, which
 * is the usual case; else one backward probe of the samples primary key: the union stops at its first
 * row), the base on or before the start (one probe), then two top-N picks from the same rows. The CTE
 * is referenced twice, so PostgreSQL computes it once.
 */

export type MoverRanking = 'percent' | 'change';

export interface MoverRow {
	ranking: MoverRanking;
	seriesId: number;
	source: string;
	key: string;
	displayName: string;
	metric: string;
	unit: string;
	base: { ts: Date; value: number; provenance: Provenance };
	latest: { ts: Date; value: number; provenance: Provenance };
}

export interface MoversSpec {
	start: Date;
	end: Date;
	/** Series whose base is below this are left out, so that 2 -> 40 does not top the list at +1,900%. */
	minBase: number;
	limit: number;
}

interface Row {
	ranking: MoverRanking;
	series_id: number;
	source: string;
	key: string;
	display_name: string;
	metric: string;
	unit: string;
	base_ms: number;
	base_value: number;
	base_provenance: Provenance;
	latest_ms: number;
	latest_value: number;
	latest_provenance: Provenance;
}

/** Exported bare for the benchmark. Ties go to the lower series id, so the order is stable. */
export function buildMoversQuery(spec: MoversSpec): SQL {
	const start = spec.start.toISOString();
	const end = spec.end.toISOString();
	return sql`with moved as (
			select s.id as series_id, t.source, t.key, t.display_name, s.metric, s.unit,
				(extract(epoch from b.ts) * 1000)::float8 as base_ms, b.value as base_value, b.provenance as base_provenance,
				(extract(epoch from l.ts) * 1000)::float8 as latest_ms, l.value as latest_value, l.provenance as latest_provenance
			from series s
			join targets t on t.id = s.target_id
			cross join lateral (
				(select ts, value, provenance from series_latest where series_id = s.id and ts <= ${end}::timestamptz)
				union all
				(select ts, value, provenance from samples
					where series_id = s.id and ts <= ${end}::timestamptz order by ts desc limit 1)
				limit 1
			) l
			cross join lateral (
				select ts, value, provenance from samples
				where series_id = s.id and ts <= ${start}::timestamptz order by ts desc limit 1
			) b
			where l.ts > b.ts and b.value > 0 and b.value >= ${spec.minBase}::float8
		)
		select * from (
			(select 'percent' as ranking, row_number() over (order by (latest_value - base_value) / base_value desc, series_id) as rank, moved.*
				from moved order by rank limit ${spec.limit})
			union all
			(select 'change' as ranking, row_number() over (order by latest_value - base_value desc, series_id) as rank, moved.*
				from moved order by rank limit ${spec.limit})
		) picked
		order by ranking, rank`;
}

export async function listMovers(db: Db, spec: MoversSpec): Promise<MoverRow[]> {
	const rows = await queryRows<Row>(db, buildMoversQuery(spec));
	return rows.map((r) => ({
		ranking: r.ranking,
		seriesId: Number(r.series_id),
		source: r.source,
		key: r.key,
		displayName: r.display_name,
		metric: r.metric,
		unit: r.unit,
		base: { ts: new Date(Number(r.base_ms)), value: Number(r.base_value), provenance: r.base_provenance },
		latest: { ts: new Date(Number(r.latest_ms)), value: Number(r.latest_value), provenance: r.latest_provenance }
	}));
}

/**
 * How far the movers of (start, end) stay the same while no write lands: the earliest sample after
 * `start` of any series (a new base from then on) and the earliest after `end` (a new latest value;
 * only series whose newest sample lies past `end` are probed). Null where there is none. One forward
 * probe of the primary key per series.
 */
export interface MoversHorizon {
	nextAfterStart: Date | null;
	nextAfterEnd: Date | null;
}

export async function readMoversHorizon(db: Db, start: Date, end: Date): Promise<MoversHorizon> {
	const [row] = await queryRows<{ after_start_ms: number | null; after_end_ms: number | null }>(
		db,
		sql`select
			(select (extract(epoch from min(n.ts)) * 1000)::float8 from series s
				cross join lateral (select ts from samples where series_id = s.id and ts > ${start.toISOString()}::timestamptz order by ts limit 1) n) as after_start_ms,
			(select (extract(epoch from min(n.ts)) * 1000)::float8 from series_latest l
				cross join lateral (select ts from samples where series_id = l.series_id and ts > ${end.toISOString()}::timestamptz order by ts limit 1) n
				where l.ts > ${end.toISOString()}::timestamptz) as after_end_ms`
	);
	const toDate = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)));
	return { nextAfterStart: toDate(row?.after_start_ms), nextAfterEnd: toDate(row?.after_end_ms) };
}
