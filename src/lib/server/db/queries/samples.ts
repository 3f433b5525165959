import { setImmediate } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { Provenance } from '../schema/index.js';
import type { WriteTransaction } from '../transaction.js';

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
 * rows are counted as keptObserved). Call it inside a transaction when several batches must land
 * together.
 */
export async function upsertSamples(
	db: Db,
	seriesId: number,
	provenance: Provenance,
	rows: readonly SampleInput[],
	onProgress?: WriteProgress
): Promise<WriteCounts> {
	const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, keptObserved: 0 };
	for (let start = 0; start < rows.length; start += batchSize) {
		// A turn of the event loop between batches: PGlite runs each statement in this thread and settles
		// it in a microtask, so without it a long import would answer no request until it ends.
		if (start > 0) await setImmediate();
		const batch = rows.slice(start, start + batchSize);
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
			), kept as (
				select count(*)::int as n from samples s join input on s.ts = input.ts
				where s.series_id = ${seriesId}::int and s.provenance = 'observed' and ${provenance}::text <> 'observed'
			), written as (
				insert into samples (series_id, ts, value, provenance, note)
				select ${seriesId}::int, input.ts, input.value, ${provenance}::text, input.note from input
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
		counts.inserted += row?.inserted ?? 0;
		counts.updated += row?.updated ?? 0;
		counts.keptObserved += row?.kept ?? 0;
		onProgress?.(start + batch.length, rows.length);
	}
	counts.unchanged = rows.length - counts.inserted - counts.updated - counts.keptObserved;
	return counts;
}

// Below this many rows a COPY saves less than the extra range check costs.
const copyThreshold = 1_000;
const copyChunkRows = 5_000;

/** RFC 4180 field for COPY's CSV format: an unquoted empty field is NULL there. */
function copyField(text: string | null | undefined): string {
	if (text === null || text === undefined) return '';
	return `"${text.replaceAll('"', '""')}"`;
}

function* copyLines(seriesId: number, provenance: Provenance, rows: readonly SampleInput[], onProgress?: WriteProgress): Generator<string> {
	for (let start = 0; start < rows.length; start += copyChunkRows) {
		const end = Math.min(start + copyChunkRows, rows.length);
		let chunk = '';
		for (const row of rows.slice(start, end)) {
			// String(number) is the shortest text that reads back as the same double.
			chunk += `${seriesId},${row.ts.toISOString()},${String(row.value)},${provenance},${copyField(row.note)}\n`;
		}
		yield chunk;
		// Resumed when the stream asks for the next chunk: this one has been handed to the connection.
		onProgress?.(end, rows.length);
	}
}

async function hasSamplesBetween(db: Db, seriesId: number, rows: readonly SampleInput[]): Promise<boolean> {
	let minMs = Infinity;
	let maxMs = -Infinity;
	for (const row of rows) {
		minMs = Math.min(minMs, row.ts.getTime());
		maxMs = Math.max(maxMs, row.ts.getTime());
	}
	const [row] = await queryRows<{ found: boolean }>(
		db,
		sql`select exists (select 1 from samples where series_id = ${seriesId}
			and ts between ${new Date(minMs).toISOString()}::timestamptz and ${new Date(maxMs).toISOString()}::timestamptz) as found`
	);
	return row?.found === true;
}

/**
 * upsertSamples, with a fast path for bulk history: when the series holds nothing in the rows' time
 * range, the rows go in by COPY, which PostgreSQL writes in batches (2 to 3 times faster than the
 * upsert). Should another writer fill that range in between, COPY hits the primary key; the savepoint
 * takes it back and the upsert writes the rows instead, so the outcome is the same either way.
 * Timestamps must be unique within `rows`.
 */
export async function writeSamples(
	tx: WriteTransaction,
	seriesId: number,
	provenance: Provenance,
	rows: readonly SampleInput[],
	onProgress?: WriteProgress
): Promise<WriteCounts> {
	if (!tx.copy || rows.length < copyThreshold || (await hasSamplesBetween(tx.db, seriesId, rows))) {
		return upsertSamples(tx.db, seriesId, provenance, rows, onProgress);
	}
	await tx.db.execute(sql`savepoint bulk_copy`);
	try {
		await tx.copy('samples', ['series_id', 'ts', 'value', 'provenance', 'note'], copyLines(seriesId, provenance, rows, onProgress));
	} catch (error) {
		if ((error as { code?: string }).code !== '23505') throw error;
		await tx.db.execute(sql`rollback to savepoint bulk_copy`);
		return upsertSamples(tx.db, seriesId, provenance, rows, onProgress);
	}
	await tx.db.execute(sql`release savepoint bulk_copy`);
	return { inserted: rows.length, updated: 0, unchanged: 0, keptObserved: 0 };
}
