import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';

/**
 * Compaction of old observed samples to one per UTC day (retention/compact.ts says when and why).
 * Each function is one statement; the caller runs a batch in one transaction under the series' write
 * lock (lockSeriesForWrite), so a batch is all done or not at all, and the series' writers wait for one
 * batch at most.
 */

export interface CompactionRange {
	/** A UTC midnight, inclusive. */
	from: Date;
	/** A UTC midnight, exclusive. */
	to: Date;
}

const dayMs = 86_400_000;

/**
 * Every series that may hold observed samples, by id: the order a compaction pass takes them in.
 * Published reference figures (source `reference`) are never observed, so they are not visited.
 */
export async function listCompactableSeriesIds(db: Db): Promise<number[]> {
	const rows = await queryRows<{ id: number }>(
		db,
		sql`select s.id from series s join targets t on t.id = s.target_id where t.source <> 'reference' order by s.id`
	);
	return rows.map((row) => Number(row.id));
}

/**
 * The next days of a series to compact, holding about `maxRows` samples (whole days: more when one day
 * alone holds more), from where the last batch ended (series.compacted_until) or the series' first
 * day, up to `cutoff` but never into the day of the series' latest sample, so that series_latest is
 * never touched. Undefined when nothing is left before the cutoff. Three probes of the samples key.
 */
export async function planCompactionBatch(db: Db, seriesId: number, cutoff: Date, maxRows: number): Promise<CompactionRange | undefined> {
	const [row] = await queryRows<{ from_ms: number | null; end_ms: number | null; nth_day_ms: number | null }>(
		db,
		sql`with bounds as (
			select coalesce(s.compacted_until,
					(select date_trunc('day', ts, 'UTC') from samples where series_id = s.id order by ts limit 1)) as from_at,
				least(${cutoff.toISOString()}::timestamptz,
					(select date_trunc('day', l.ts, 'UTC') from series_latest l where l.series_id = s.id)) as end_at
			from series s where s.id = ${seriesId}
		)
		select (extract(epoch from from_at) * 1000)::float8 as from_ms, (extract(epoch from end_at) * 1000)::float8 as end_ms,
			(select (extract(epoch from date_trunc('day', ts, 'UTC')) * 1000)::float8 from samples
				where series_id = ${seriesId} and ts >= from_at order by ts offset ${Math.trunc(maxRows)} limit 1) as nth_day_ms
		from bounds`
	);
	if (!row || row.from_ms === null || row.end_ms === null) return undefined;
	const fromMs = Number(row.from_ms);
	const endMs = Number(row.end_ms);
	if (fromMs >= endMs) return undefined;
	const toMs = row.nth_day_ms === null ? endMs : Math.min(endMs, Math.max(Number(row.nth_day_ms), fromMs + dayMs));
	return { from: new Date(fromMs), to: new Date(toMs) };
}

export interface CompactionCount {
	/** Observed samples deleted. */
	removed: number;
	/** Kept samples whose flags took in those of the samples they stand for. */
	reflagged: number;
}

/**
 * Compacts the observed samples of [from, to) in place. A run of observed samples (those of one UTC
 * day, or between two samples of another provenance in it) keeps its last sample, whose flags become
 * the flags of the whole run, each once, in the order they first appear; the others are deleted.
 * Samples of other provenances are not touched. A bucketed read keeps the last sample of each bucket
 * and joins the flags of all its samples in time order (series-points.ts), so a day, or any coarser
 * bucket, reads the same before and after: same last sample, same flags in the same order. Splitting
 * at the other samples keeps that order where a day mixes provenances, and keeps every remaining
 * sample's previous sample as it was, so the decrease, jump and wrapped flags stay true. Running it
 * again changes nothing.
 */
export async function compactObservedRuns(db: Db, seriesId: number, range: CompactionRange): Promise<CompactionCount> {
	const [row] = await queryRows<{ removed: number; reflagged: number }>(
		db,
		sql`with in_range as (
			select ts, provenance, flags, date_trunc('day', ts, 'UTC') as day,
				count(*) filter (where provenance <> 'observed') over (partition by date_trunc('day', ts, 'UTC') order by ts) as run
			from samples
			where series_id = ${seriesId} and ts >= ${range.from.toISOString()}::timestamptz and ts < ${range.to.toISOString()}::timestamptz
		), observed as (
			select ts, flags, day, run, row_number() over (partition by day, run order by ts desc) as from_end
			from in_range where provenance = 'observed'
		), first_seen as (
			select distinct on (day, run, f) day, run, f, ts, i
			from observed cross join lateral unnest(flags) with ordinality as u(f, i)
			order by day, run, f, ts, i
		), run_flags as (
			select day, run, array_agg(f order by ts, i) as flags from first_seen group by day, run
		), reflagged as (
			update samples s set flags = coalesce(r.flags, '{}'::text[])
			from observed o left join run_flags r on r.day = o.day and r.run = o.run
			where o.from_end = 1 and s.series_id = ${seriesId} and s.ts = o.ts
				and s.flags is distinct from coalesce(r.flags, '{}'::text[])
			returning s.ts
		), removed as (
			delete from samples s using observed o
			where o.from_end > 1 and s.series_id = ${seriesId} and s.ts = o.ts
			returning s.ts
		)
		select (select count(*) from removed)::int as removed, (select count(*) from reflagged)::int as reflagged`
	);
	return { removed: Number(row?.removed ?? 0), reflagged: Number(row?.reflagged ?? 0) };
}

/** Records that the series' observed samples before `until` are compacted (it only moves forward). */
export async function markSeriesCompactedUntil(db: Db, seriesId: number, until: Date): Promise<void> {
	await db.execute(sql`update series set compacted_until = ${until.toISOString()}::timestamptz
		where id = ${seriesId} and (compacted_until is null or compacted_until < ${until.toISOString()}::timestamptz)`);
}

/** Bytes the samples table takes on disk with its indexes and TOAST (after a VACUUM, free space included). */
export async function getSamplesBytes(db: Db): Promise<number> {
	const [row] = await queryRows<{ bytes: number }>(db, sql`select pg_total_relation_size('samples')::float8 as bytes`);
	return Number(row!.bytes);
}

/**
 * Marks the space of deleted samples free for new ones (and refreshes the planner's statistics); the
 * files keep their size. Runs beside writers, as autovacuum would, only sooner.
 */
export async function vacuumSamples(db: Db): Promise<void> {
	await db.execute(sql`vacuum analyze samples`);
}

/**
 * Rewrites the samples table and its key without the space deleted samples left, giving it back to the
 * file system. It holds an exclusive lock on samples throughout: every read and write of samples waits
 * for it (it copies every sample left). Only on request (`npm run compact -- --reclaim`), never on a schedule.
 */
export async function rewriteSamples(db: Db): Promise<void> {
	await db.execute(sql`vacuum (full, analyze) samples`);
}
