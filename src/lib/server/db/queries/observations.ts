import { sql } from 'drizzle-orm';
import { arrayColumn, queryRows, type Db } from '../client.js';
import type { FlaggedSeries } from '../../metrics/counters.js';
import type { SeriesKind } from '../../metrics/catalog.js';
import { counterFlagList } from './sample-flags.js';

/**
 * What a collector's poll writes: observed samples and the target's state. Each statement takes a set
 * of rows (a batch of observations written in one transaction costs a handful of statements, not a
 * dozen per target); a single write is a set of one.
 */

/** A series a poll writes to, as locked for the write. */
export interface ObservedSeries extends FlaggedSeries {
	id: number;
	targetId: number;
	note: string | null;
}

export interface ObservedSeriesInput {
	targetId: number;
	metric: string;
	unit: string;
	kind: SeriesKind;
	/** Replaces the stored note when given (the method text travels with the data just written). */
	note?: string;
}

/**
 * Creates the series that do not exist yet, locks every wanted series' row for the write (in id order,
 * as every writer takes them: lockSeriesForWrite) and sets the notes given. An existing series keeps
 * its unit and kind. Only missing series are inserted, so a poll does not draw ids from the series
 * sequence for series that exist (an upsert would, each hour, for every series).
 */
export async function lockObservedSeries(tx: Db, wanted: readonly ObservedSeriesInput[]): Promise<ObservedSeries[]> {
	if (wanted.length === 0) return [];
	const wantedRows = sql`unnest(${arrayColumn(wanted, (w) => w.targetId, 'int')}, ${arrayColumn(wanted, (w) => w.metric, 'text')}) as w(target_id, metric)`;
	await tx.execute(sql`insert into series (target_id, metric, unit, kind)
		select w.target_id, w.metric, w.unit, w.kind
		from unnest(${arrayColumn(wanted, (w) => w.targetId, 'int')}, ${arrayColumn(wanted, (w) => w.metric, 'text')},
			${arrayColumn(wanted, (w) => w.unit, 'text')}, ${arrayColumn(wanted, (w) => w.kind, 'text')}) as w(target_id, metric, unit, kind)
		where not exists (select 1 from series s where s.target_id = w.target_id and s.metric = w.metric)
		order by w.target_id, w.metric
		on conflict (target_id, metric) do nothing`);
	const locked = await queryRows<{ id: number; target_id: number; metric: string; kind: SeriesKind; source: string; note: string | null }>(
		tx,
		sql`select s.id, s.target_id, s.metric, s.kind, t.source, s.note
			from series s join ${wantedRows} on s.target_id = w.target_id and s.metric = w.metric
			join targets t on t.id = s.target_id
			order by s.id
			for update of s`
	);
	const noteOf = new Map(wanted.filter((w) => w.note !== undefined).map((w) => [`${w.targetId}/${w.metric}`, w.note!]));
	const series = locked.map((r) => ({ id: r.id, targetId: r.target_id, metric: r.metric, kind: r.kind, source: r.source, note: r.note }));
	const renoted = series.flatMap((s) => {
		const note = noteOf.get(`${s.targetId}/${s.metric}`);
		return note === undefined || note === s.note ? [] : [{ series: s, note }];
	});
	if (renoted.length > 0) {
		await tx.execute(sql`update series s set note = w.note
			from unnest(${arrayColumn(renoted, (r) => r.series.id, 'int')}, ${arrayColumn(renoted, (r) => r.note, 'text')}) as w(id, note)
			where s.id = w.id`);
		for (const r of renoted) r.series.note = r.note;
	}
	return series;
}

/** One observed value to store, with the flags the answer itself gave (a collector's `capped`). */
export interface ObservedSample {
	seriesId: number;
	ts: Date;
	value: number;
	answerFlags: readonly string[];
}

/**
 * Writes observed samples; counter flags are recomputeSampleFlags' job, so they are kept here and not
 * compared: polling the same instant again rewrites a row only when the value or the answer's flags
 * differ. Returns the series whose row was inserted or changed. One sample per series.
 */
export async function upsertObservedSamples(db: Db, samples: readonly ObservedSample[]): Promise<Set<number>> {
	if (samples.length === 0) return new Set();
	const rows = await queryRows<{ series_id: number }>(
		db,
		sql`insert into samples (series_id, ts, value, provenance, flags)
			-- Flags travel as JSON arrays: a set of rows cannot carry a text[] each through one unnest.
			select w.series_id, w.ts, w.value, 'observed', array(select jsonb_array_elements_text(w.flags::jsonb))
			from unnest(${arrayColumn(samples, (s) => s.seriesId, 'int')}, ${arrayColumn(samples, (s) => s.ts.toISOString(), 'timestamptz')},
				${arrayColumn(samples, (s) => s.value, 'float8')}, ${arrayColumn(samples, (s) => JSON.stringify(s.answerFlags), 'text')}) as w(series_id, ts, value, flags)
			order by w.series_id
			on conflict (series_id, ts) do update
				set value = excluded.value,
					flags = array(select f from unnest(samples.flags) f where f = any(${counterFlagList})) || excluded.flags
			where (samples.value, array(select f from unnest(samples.flags) with ordinality as u(f, i) where f <> all(${counterFlagList}) order by i))
				is distinct from (excluded.value, excluded.flags)
			returning series_id`
	);
	return new Set(rows.map((r) => r.series_id));
}

/**
 * An observation supersedes any reconstruction from its instant on, so that a series reads as rebuilt
 * history and then observed values, never the two interleaved (their definitions differ). Returns,
 * per series that lost any, the latest instant removed, for the flag recomputation's range.
 */
export async function deleteReconstructedFromEach(db: Db, starts: readonly { seriesId: number; from: Date }[]): Promise<Map<number, Date>> {
	if (starts.length === 0) return new Map();
	// Epoch ms rather than the timestamp itself: pg and PGlite parse timestamps in raw SQL differently.
	const rows = await queryRows<{ series_id: number; last_ms: number }>(
		db,
		sql`with gone as (
			delete from samples s
			using unnest(${arrayColumn(starts, (s) => s.seriesId, 'int')}, ${arrayColumn(starts, (s) => s.from.toISOString(), 'timestamptz')}) as w(series_id, ts)
			where s.series_id = w.series_id and s.ts >= w.ts and s.provenance = 'reconstructed'
			returning s.series_id, s.ts
		) select series_id, (extract(epoch from max(ts)) * 1000)::float8 as last_ms from gone group by series_id`
	);
	return new Map(rows.map((r) => [r.series_id, new Date(Number(r.last_ms))]));
}

/** A target that answered: when it was collected, and metadata to merge into its own. */
export interface ObservedTarget {
	targetId: number;
	at: Date;
	metadata: Record<string, unknown>;
}

/** Targets answered: status back to ok, when they were collected, and their metadata merged in. */
export async function markTargetsObserved(db: Db, observed: readonly ObservedTarget[]): Promise<void> {
	if (observed.length === 0) return;
	await db.execute(sql`update targets t
		set status = 'ok', status_message = null, last_collected_at = w.at, metadata = t.metadata || w.metadata::jsonb
		from unnest(${arrayColumn(observed, (o) => o.targetId, 'int')}, ${arrayColumn(observed, (o) => o.at.toISOString(), 'timestamptz')},
			${arrayColumn(observed, (o) => JSON.stringify(o.metadata), 'text')}) as w(id, at, metadata)
		where t.id = w.id`);
}
