import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import { counterFlags, frozenValue, wrapSpan, wrapTolerance, type FlaggedSeries, type FlagRules } from '../../metrics/counters.js';

/**
 * Counter flags kept true to the neighbours of each sample, whoever writes (a poll, an import, a
 * backfill) and in whatever order. The definition is computeCounterFlags in metrics/counters.ts; this
 * is the same rule set-wise, so that a bulk write costs one statement, not a round trip per row.
 */

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
	const stall = sql`make_interval(secs => ${rules.stallDays * 86_400}::float8)`;
	const from = sql`${range.from.toISOString()}::timestamptz`;
	const to = sql`${range.to.toISOString()}::timestamptz`;
	const isCounter = sql`${rules.isCounter}::boolean`;
	const [row] = await queryRows<{ changed: number; followers: number }>(
		db,
		sql`with bounds as (
			select coalesce((select ts + ${stall} from samples where series_id = ${seriesId} and ts > ${to} order by ts limit 1), ${to}) as hi,
				coalesce(
					(select ts from samples where series_id = ${seriesId} and ts <= ${from} - ${stall} order by ts desc limit 1),
					-- No sample that far back: every earlier one is within stallDays, and a stall reference of a later row.
					(select ts from samples where series_id = ${seriesId} order by ts limit 1),
					${from}) as lo
		), neighbours as (
			select ts, value, flags,
				lag(value) over (order by ts) as prev,
				last_value(value) over (order by ts range between unbounded preceding and ${stall} preceding) as stall_ref
			from samples
			where series_id = ${seriesId} and ts >= (select lo from bounds) and ts <= (select hi from bounds)
		), computed as (
			select ts, array_remove(array[
					case when ${isCounter} and value < prev then 'decrease' end,
					case when ${isCounter} and ${rules.isStallChecked}::boolean and value = prev and stall_ref = value then 'stall' end,
					case when ${isCounter} and prev > 0 and value > prev * ${rules.jumpFactor}::float8 then 'jump' end,
					case when ${isCounter} and value = ${frozenValue}::float8 then 'frozen' end,
					case when ${isCounter} and (value < 0 or abs(prev - value - ${wrapSpan}::float8) <= ${wrapTolerance}::float8) then 'wrapped' end
				]::text[], null)
				-- Most rows carry no other flag: the common case skips the per-row subquery.
				|| case when flags <@ ${sql.param(counterFlags)}::text[] then '{}'::text[]
					else array(select f from unnest(flags) with ordinality as u(f, i) where f <> all(${sql.param(counterFlags)}::text[]) order by i) end as flags
			from neighbours where ts >= ${from}
		), updated as (
			update samples s set flags = c.flags from computed c
			where s.series_id = ${seriesId} and s.ts = c.ts and s.flags is distinct from c.flags
				-- A compacted day's sample keeps the flags of the samples it stands for: judged again
				-- against the daily neighbours left, they would lose what only the hourly ones showed.
				and not (s.provenance = 'observed' and s.ts < coalesce((select compacted_until from series where id = ${seriesId}), '-infinity'))
			returning s.ts
		)
		select count(*)::int as changed, (count(*) filter (where ts > ${to}))::int as followers from updated`
	);
	return { changed: row?.changed ?? 0, followersChanged: row?.followers ?? 0 };
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
