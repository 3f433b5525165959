import { setImmediate } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { Provenance } from '../schema/index.js';
import type { WriteTransaction } from '../transaction.js';
import { computeSeriesFlags, defaultCounterConfig, resolveFlagRules, type CounterConfig, type CounterFlag, type FlagRules } from '../../metrics/counters.js';
import { lockSeriesForWrite, recomputeSampleFlags } from './sample-flags.js';

export interface SampleInput {
	ts: Date;
	value: number;
	note?: string | null;
}

export interface WriteCounts {
	inserted: number;
	updated: number;
	unchanged: number;
	/** Rows at an instant that holds an observed sample, which only another observation replaces. */
	keptObserved: number;
}

/** Told after each batch how many of the rows have gone to the database (in the caller's transaction: not committed yet). */
export type WriteProgress = (rowsWritten: number, rowsTotal: number) => void;

// One statement per batch keeps each parameter array far below PostgreSQL's 1 GB message limit and the
// statement's memory bounded, while a batch this size makes the round trip negligible.
const batchSize = 10_000;

/**
 * Writes samples of one series: a new (series, ts) is inserted, an existing one is updated only when its
 * value, provenance or note differ, so writing the same samples twice changes nothing; an observed
 * sample is replaced by another observation only, never by a reconstructed or imported one (those
 * rows are counted as keptObserved). Reconstructed rows go only before the series' first observed
 * sample: one series never interleaves a rebuilt history with observed values (their definitions
 * differ); later ones are counted as keptObserved too. Then the counter flags of the written range and
 * of the samples after it are recomputed (recomputeSampleFlags), under the series' row lock.
 * Call it inside a transaction: the lock holds to its end, and several batches land together.
 */
export async function upsertSamples(
	db: Db,
	seriesId: number,
	provenance: Provenance,
	rows: readonly SampleInput[],
	onProgress?: WriteProgress,
	counters: CounterConfig = defaultCounterConfig
): Promise<WriteCounts> {
	const series = await lockSeriesForWrite(db, seriesId);
	if (!series) throw new Error(`series ${seriesId} does not exist`);
	const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, keptObserved: 0 };
	for (let start = 0; start < rows.length; start += batchSize) {
		// A turn of the event loop between batches: PGlite runs each statement in this thread and settles
		// it in a microtask, so without it a long import would answer no request until it ends.
		if (start > 0) await setImmediate();
		const batch = rows.slice(start, start + batchSize);
		const row = await upsertBatch(db, seriesId, provenance, batch);
		counts.inserted += row?.inserted ?? 0;
		counts.updated += row?.updated ?? 0;
		counts.keptObserved += row?.kept ?? 0;
		onProgress?.(start + batch.length, rows.length);
	}
	counts.unchanged = rows.length - counts.inserted - counts.updated - counts.keptObserved;
	const range = computeTimeRange(rows);
	if (range) await recomputeSampleFlags(db, seriesId, range, resolveFlagRules(counters, series));
	return counts;
}

async function upsertBatch(db: Db, seriesId: number, provenance: Provenance, batch: readonly SampleInput[]) {
	// Every part of the statement sees the table as it was before it, so `kept` counts the
	// observed samples this batch met, not what it wrote.
	const [row] = await queryRows<{ inserted: number; updated: number; kept: number }>(
		db,
		sql`with input as (
			select t.ts, t.value, t.note
			from unnest(
				${sql.param(batch.map((r) => r.ts.toISOString()))}::timestamptz[],
				${sql.param(batch.map((r) => r.value))}::float8[],
				${sql.param(batch.map((r) => r.note ?? null))}::text[]
			) as t(ts, value, note)
		), first_observed as (
			-- Only reconstructed rows are held back by it; an import may fill gaps anywhere.
			select case when ${provenance}::text = 'reconstructed'
				then coalesce((select min(ts) from samples where series_id = ${seriesId}::int and provenance = 'observed'), 'infinity')
				else 'infinity'::timestamptz end as ts
		), kept as (
			select count(*)::int as n from input
			where input.ts >= (select ts from first_observed)
				or (${provenance}::text <> 'observed' and exists (select 1 from samples s
					where s.series_id = ${seriesId}::int and s.ts = input.ts and s.provenance = 'observed'))
		), written as (
			insert into samples (series_id, ts, value, provenance, note)
			select ${seriesId}::int, input.ts, input.value, ${provenance}::text, input.note from input
			where input.ts < (select ts from first_observed)
			on conflict (series_id, ts) do update
				set value = excluded.value, provenance = excluded.provenance, note = excluded.note
				where (samples.value, samples.provenance, samples.note)
					is distinct from (excluded.value, excluded.provenance, excluded.note)
					-- A value we polled outranks one rebuilt from an API's history or imported from a
					-- file at the same instant: an import must not rewrite what was seen.
					and (samples.provenance <> 'observed' or excluded.provenance = 'observed')
			returning (xmax = 0) as is_insert
		)
		select (count(*) filter (where is_insert))::int as inserted,
			(count(*) filter (where not is_insert))::int as updated,
			(select n from kept) as kept
		from written`
	);
	return row;
}

/** The first and last instant of the rows, in any order; undefined for none. */
function computeTimeRange(rows: readonly SampleInput[]): { from: Date; to: Date } | undefined {
	let minMs = Infinity;
	let maxMs = -Infinity;
	for (const row of rows) {
		minMs = Math.min(minMs, row.ts.getTime());
		maxMs = Math.max(maxMs, row.ts.getTime());
	}
	return rows.length === 0 ? undefined : { from: new Date(minMs), to: new Date(maxMs) };
}

// Below this many rows a COPY saves less than the extra range check costs.
const copyThreshold = 1_000;
const copyChunkRows = 5_000;

/** RFC 4180 field for COPY's CSV format: an unquoted empty field is NULL there. */
function copyField(text: string | null | undefined): string {
	if (text === null || text === undefined) return '';
	return `"${text.replaceAll('"', '""')}"`;
}

interface CopyInput {
	seriesId: number;
	provenance: Provenance;
	rows: readonly SampleInput[];
	/** Parallel to rows: their counter flags (constant words, safe in an array literal). */
	flags: readonly (readonly string[])[];
}

function* copyLines({ seriesId, provenance, rows, flags }: CopyInput, onProgress?: WriteProgress): Generator<string> {
	for (let start = 0; start < rows.length; start += copyChunkRows) {
		const end = Math.min(start + copyChunkRows, rows.length);
		let chunk = '';
		for (let i = start; i < end; i++) {
			const row = rows[i]!;
			// String(number) is the shortest text that reads back as the same double.
			chunk += `${seriesId},${row.ts.toISOString()},${String(row.value)},${provenance},${copyField(row.note)},{${flags[i]!.join(',')}}\n`;
		}
		yield chunk;
		// Resumed when the stream asks for the next chunk: this one has been handed to the connection.
		onProgress?.(end, rows.length);
	}
}

async function hasSamplesBetween(db: Db, seriesId: number, range: { from: Date; to: Date }): Promise<boolean> {
	const [row] = await queryRows<{ found: boolean }>(
		db,
		sql`select exists (select 1 from samples where series_id = ${seriesId}
			and ts between ${range.from.toISOString()}::timestamptz and ${range.to.toISOString()}::timestamptz) as found`
	);
	return row?.found === true;
}

/**
 * upsertSamples, with a fast path for bulk history: when the series holds nothing in the rows' time
 * range, the rows go in by COPY, which PostgreSQL writes in batches (2 to 3 times faster than the
 * upsert), with their flags computed here. Should a writer that skips the series lock fill that range
 * in between, COPY hits the primary key; the savepoint takes it back and the upsert writes the rows
 * instead, so the outcome is the same either way. Timestamps must be unique within `rows`.
 */
export async function writeSamples(
	tx: WriteTransaction,
	seriesId: number,
	provenance: Provenance,
	rows: readonly SampleInput[],
	onProgress?: WriteProgress,
	counters: CounterConfig = defaultCounterConfig
): Promise<WriteCounts> {
	const range = computeTimeRange(rows);
	// Reconstructed rows are held back at the first observed sample, which only the upsert does.
	if (!tx.copy || !range || rows.length < copyThreshold || provenance === 'reconstructed') {
		return upsertSamples(tx.db, seriesId, provenance, rows, onProgress, counters);
	}
	const series = await lockSeriesForWrite(tx.db, seriesId);
	if (!series) throw new Error(`series ${seriesId} does not exist`);
	if (await hasSamplesBetween(tx.db, seriesId, range)) return upsertSamples(tx.db, seriesId, provenance, rows, onProgress, counters);
	// Nothing else lies in the range, so each row's flags follow from the rows alone, except where a
	// neighbour lies outside: the first row's previous sample and, for the rows of the first stallDays,
	// the stall reference. Those and the samples after the range are recomputed in SQL once written.
	const rules = resolveFlagRules(counters, series);
	if (!(await copySamples(tx, { seriesId, provenance, rows, flags: computeFlagsInRowOrder(rows, rules) }, onProgress))) {
		return upsertSamples(tx.db, seriesId, provenance, rows, onProgress, counters);
	}
	const stallEnd = new Date(Math.min(range.to.getTime(), range.from.getTime() + rules.stallDays * 86_400_000));
	await recomputeSampleFlags(tx.db, seriesId, { from: range.from, to: stallEnd }, rules);
	await recomputeSampleFlags(tx.db, seriesId, { from: range.to, to: range.to }, rules);
	return { inserted: rows.length, updated: 0, unchanged: 0, keptObserved: 0 };
}

/** computeSeriesFlags over the rows taken as a whole series, each row's flags at its own index. */
function computeFlagsInRowOrder(rows: readonly SampleInput[], rules: FlagRules): CounterFlag[][] {
	const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.ts.getTime() - rows[b]!.ts.getTime());
	const sortedFlags = computeSeriesFlags(order.map((i) => ({ tMs: rows[i]!.ts.getTime(), value: rows[i]!.value })), rules);
	const flags: CounterFlag[][] = new Array(rows.length);
	order.forEach((rowIndex, k) => (flags[rowIndex] = sortedFlags[k]!));
	return flags;
}

/** COPY in a savepoint; false (and nothing written) when a row's (series, ts) is taken already. */
async function copySamples(tx: WriteTransaction, input: CopyInput, onProgress?: WriteProgress): Promise<boolean> {
	await tx.db.execute(sql`savepoint bulk_copy`);
	try {
		await tx.copy!('samples', ['series_id', 'ts', 'value', 'provenance', 'note', 'flags'], copyLines(input, onProgress));
	} catch (error) {
		if ((error as { code?: string }).code !== '23505') throw error;
		await tx.db.execute(sql`rollback to savepoint bulk_copy`);
		return false;
	}
	await tx.db.execute(sql`release savepoint bulk_copy`);
	return true;
}
