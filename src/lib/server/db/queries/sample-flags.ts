import { sql } from 'drizzle-orm';
import { arrayColumn, queryRows, type ColumnType, type Db } from '../client.js';
import { counterFlags, frozenValue, wrapSpan, wrapTolerance, type FlaggedSeries, type FlagRules } from '../../metrics/counters.js';

/**
 * Counter flags kept true to the neighbours of each sample, whoever writes (a poll, an import, a
 * backfill) and in whatever order. The definition is computeCounterFlags in metrics/counters.ts; this
 * is the same rule set-wise, so that a bulk write costs one statement, not a round trip per row.
 */

/** The counter flags as a text[] parameter: the flags recomputeSampleFlags owns, and an observed write keeps. */
export const counterFlagList = sql`${sql.param(counterFlags)}::text[]`;

/**
 * Locks the series' row until the transaction ends and returns what its flags depend on. Every
 * writer of samples takes it before writing and recomputing, so two writers of one series run one
 * after the other and the second one's recomputation sees the first one's rows: no flag is left
 * computed against a neighbour that changed meanwhile. Undefined when the series does not exist.
 */
export async function lockSeriesForWrite(db: Db, seriesId: number): Promise<FlaggedSeries | undefined> {
	const [row] = await queryRows<FlaggedSeries>(
		db,
		sql`select s.metric, s.kind, t.source from series s join targets t on t.id = s.target_id where s.id = ${seriesId} for update of s`
	);
	return row;
}

export interface FlagRecount {
	/** Rows whose flags changed. */
	changed: number;
	/** Of those, rows after the written range: followers whose neighbours moved. */
	followersChanged: number;
}

/** One series' written range and the rules its flags follow: what recomputeSampleFlagsOf takes per series. */
export interface FlagRange {
	seriesId: number;
	from: Date;
	to: Date;
	rules: FlagRules;
}

/**
 * Recomputes the flags of every sample a write in [from, to] can have affected: those in the range,
 * the first one after it (its previous sample may have changed) and those up to stallDays after that
 * one (the sample stallDays before them may have changed). The window reads back to the stall
 * reference of the first row, which is at or before every other row's previous sample and reference.
 * Flags that are not counter flags (a collector's `capped`) are kept, after the counter flags. Observed
 * samples before the series' compacted_until stand for a whole compacted day (queries/compaction.ts):
 * they serve as neighbours but keep their flags. Call it inside the transaction that wrote, after
 * lockSeriesForWrite.
 */
export async function recomputeSampleFlags(db: Db, seriesId: number, range: { from: Date; to: Date }, rules: FlagRules): Promise<FlagRecount> {
	const recounts = await recomputeSampleFlagsOf(db, [{ seriesId, ...range, rules }]);
	return recounts.get(seriesId) ?? { changed: 0, followersChanged: 0 };
}

/**
 * recomputeSampleFlags for several series in one statement (a collection's batch of observations):
 * each range is recomputed on its own, by a lateral subquery per series whose window reads only that
 * series. Series must be distinct. Answers the recount of each series that changed.
 */
export async function recomputeSampleFlagsOf(db: Db, ranges: readonly FlagRange[]): Promise<Map<number, FlagRecount>> {
	if (ranges.length === 0) return new Map();
	const column = (pick: (r: FlagRange) => unknown, type: ColumnType) => arrayColumn(ranges, pick, type);
	const rows = await queryRows<{ series_id: number; changed: number; followers: number }>(
		db,
		sql`with ranges as (
			select r.series_id, r.lo_ts, r.hi_ts, r.is_counter, r.is_stall_checked, r.jump_factor,
				make_interval(secs => r.stall_secs) as stall
			from unnest(
				${column((r) => r.seriesId, 'int')}, ${column((r) => r.from.toISOString(), 'timestamptz')}, ${column((r) => r.to.toISOString(), 'timestamptz')},
				${column((r) => r.rules.isCounter, 'boolean')}, ${column((r) => r.rules.isStallChecked, 'boolean')},
				${column((r) => r.rules.jumpFactor, 'float8')}, ${column((r) => r.rules.stallDays * 86_400, 'float8')}
			) as r(series_id, lo_ts, hi_ts, is_counter, is_stall_checked, jump_factor, stall_secs)
		), computed as (
			select r.series_id, n.ts, n.ts > r.hi_ts as is_follower, array_remove(array[
					case when r.is_counter and n.value < n.prev then 'decrease' end,
					case when r.is_counter and r.is_stall_checked and n.value = n.prev and n.stall_ref = n.value then 'stall' end,
					case when r.is_counter and n.prev > 0 and n.value > n.prev * r.jump_factor then 'jump' end,
					case when r.is_counter and n.value = ${frozenValue}::float8 then 'frozen' end,
					case when r.is_counter and (n.value < 0 or abs(n.prev - n.value - ${wrapSpan}::float8) <= ${wrapTolerance}::float8) then 'wrapped' end
				]::text[], null)
				-- Most rows carry no other flag: the common case skips the per-row subquery.
				|| case when n.flags <@ ${counterFlagList} then '{}'::text[]
					else array(select f from unnest(n.flags) with ordinality as u(f, i) where f <> all(${counterFlagList}) order by i) end as flags
			from ranges r
			cross join lateral (
				select coalesce((select ts + r.stall from samples where series_id = r.series_id and ts > r.hi_ts order by ts limit 1), r.hi_ts) as hi,
					coalesce(
						(select ts from samples where series_id = r.series_id and ts <= r.lo_ts - r.stall order by ts desc limit 1),
						-- No sample that far back: every earlier one is within stallDays, and a stall reference of a later row.
						(select ts from samples where series_id = r.series_id order by ts limit 1),
						r.lo_ts) as lo
			) as bounds
			cross join lateral (
				-- The frame's offset is the series' own stall interval: an outer reference, evaluated per series.
				select ts, value, flags,
					lag(value) over (order by ts) as prev,
					last_value(value) over (order by ts range between unbounded preceding and r.stall preceding) as stall_ref
				from samples
				where series_id = r.series_id and ts >= bounds.lo and ts <= bounds.hi
			) as n
			where n.ts >= r.lo_ts
		), updated as (
			update samples s set flags = c.flags from computed c
			where s.series_id = c.series_id and s.ts = c.ts and s.flags is distinct from c.flags
				-- A compacted day's sample keeps the flags of the samples it stands for: judged again
				-- against the daily neighbours left, they would lose what only the hourly ones showed.
				and not (s.provenance = 'observed' and s.ts < coalesce((select compacted_until from series where id = c.series_id), '-infinity'))
			returning s.series_id, c.is_follower
		)
		select series_id, count(*)::int as changed, (count(*) filter (where is_follower))::int as followers from updated group by series_id`
	);
	return new Map(rows.map((r) => [r.series_id, { changed: r.changed, followersChanged: r.followers }]));
}

export interface SeriesSpan {
	id: number;
	first: Date;
	last: Date;
}

/** Every series that holds samples, with its first and last sample's time (two key probes per series). */
export async function listSeriesSpans(db: Db): Promise<SeriesSpan[]> {
	const rows = await queryRows<{ id: number; first_ms: number; last_ms: number }>(
		db,
		sql`select id, first_ms, last_ms from (
				select s.id,
					(select (extract(epoch from ts) * 1000)::float8 from samples where series_id = s.id order by ts limit 1) as first_ms,
					(select (extract(epoch from ts) * 1000)::float8 from samples where series_id = s.id order by ts desc limit 1) as last_ms
				from series s
			) spans
			where first_ms is not null
			order by id`
	);
	return rows.map((r) => ({ id: r.id, first: new Date(Number(r.first_ms)), last: new Date(Number(r.last_ms)) }));
}
