/**
 * Import throughput: our import path (importSeriesCsv, one `ts,value` file per series) against a raw
 * COPY of the same rows into the same table, each starting from an empty samples table with the
 * series already defined. Then where the import's time goes, on a tenth of the series: CSV parsing,
 * the upsert alone, and COPY into a twin without the foreign key (the per-row check both pay).
 *
 * Past the default 2,740 series (BENCH_SCALE > 1, up to 100,000 series and a billion samples) the raw
 * COPY still loads every series, but the import path is timed on the first 2,740 only: its rate does
 * not depend on how many series there are, and importing hundreds of millions of rows a second time
 * would add hours. Memory stays bounded: rows are generated one series at a time and streamed.
 */
import { sql } from 'drizzle-orm';
import type { Database, Db } from '../src/lib/server/db/client.js';
import { upsertSamples } from '../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../src/lib/server/db/queries/targets.js';
import { parseSampleCsv } from '../src/lib/server/import/parse-csv.js';
import { importSeriesCsv } from '../src/lib/server/import/import-csv.js';
import { copyChunks, copyCsv, importCsv, sampleInputs, seriesKey } from './data.js';
import { countRows, loadSeriesIds, type BenchEngine, type CopyTable } from './engines.js';
import { formatInt, progressReporter, throughput, throughputOf, type Throughput } from './measure.js';

export const importVsCopyTarget = 0.5;
/** The most series the import path (and a tenth of them, its breakdown) is timed on. */
export const importSeriesMax = 2_740;
/**
 * Rows per COPY statement. PostgreSQL keeps one pending foreign-key check per row in memory until the
 * statement ends, and the series_latest trigger's transition table holds every row of the statement:
 * one COPY of 365 million rows would hold both for all of them.
 */
const copyBatchRows = 10_000_000;

export interface LoadResults {
	seriesCount: number;
	days: number;
	samples: number;
	/** Series the import path was timed on: all of them up to importSeriesMax, else the first importSeriesMax. */
	importSeriesCount: number;
	/** Producing the COPY text alone, no database: if it is near the COPY rate, COPY was generator-bound. */
	copyTextGeneration: Throughput;
	copy: Throughput;
	importPath: Throughput;
	importVsCopy: number;
	/** Measured on a tenth of the series. */
	breakdown: Breakdown;
}

/** Where the import path's time goes, each part measured on the same subset of series. */
export interface Breakdown {
	seriesCount: number;
	csvParseOnly: Throughput;
	upsertDirect: Throughput;
	/** Raw COPY into samples_copy, a twin of samples without its foreign key. */
	copyWithoutForeignKey: Throughput;
	/** Raw COPY into samples one file at a time, each its own transaction, as each import is. */
	copyPerFile: Throughput;
}

async function expectRows(db: Db, table: 'samples' | CopyTable, expected: number): Promise<void> {
	const actual = await countRows(db, table);
	if (actual !== expected) throw new Error(`${table} holds ${actual} rows, expected ${expected}`);
}

function timeCopyTextGeneration(count: number, days: number): Throughput {
	const startedAt = performance.now();
	let length = 0;
	for (const chunk of copyChunks({ end: count }, days)) length += chunk.length;
	if (length === 0) throw new Error('no COPY text generated');
	return throughput(count * days, startedAt);
}

/** Defines bench/s0.. as the import would, so that COPY can name their ids; not timed. */
async function createBenchSeries(db: Db, count: number): Promise<number[]> {
	const progress = progressReporter('defining series', count, 1, 'series');
	for (let index = 0; index < count; index++) {
		const key = seriesKey(index);
		const targetId = await upsertTarget(db, { source: 'github', key, displayName: key });
		await upsertSeries(db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
		progress(index + 1);
	}
	return loadSeriesIds(db, count);
}

/** COPY of series 0..count-1 into `table`, copyBatchRows at a time. */
async function copySeries(engine: BenchEngine, table: CopyTable, count: number, days: number, options: Parameters<typeof copyChunks>[2] = {}) {
	const batchSeries = Math.ceil(copyBatchRows / days);
	for (let first = 0; first < count; first += batchSeries) {
		await engine.copy(table, copyChunks({ first, end: Math.min(count, first + batchSeries) }, days, options));
	}
}

/**
 * Raw COPY into samples. The timing includes generating the COPY text: it is streamed, so generation
 * overlaps the server's work. The rows stay, but for those of the series the import path is timed on.
 */
async function timeCopy(engine: BenchEngine, count: number, days: number): Promise<{ copy: Throughput; seriesIds: number[] }> {
	const db = engine.database.db;
	const seriesIds = await createBenchSeries(db, count);
	// A blob COPY reads its whole input before it starts: progress would only time the generator.
	const progress = engine.streamsCopy ? progressReporter('raw COPY', count, days) : undefined;
	const startedAt = performance.now();
	await copySeries(engine, 'samples', count, days, { seriesIds, onSeries: progress });
	const copy = throughput(count * days, startedAt);
	await expectRows(db, 'samples', count * days);
	return { copy, seriesIds };
}

/** Empties samples of the series the import path is about to write again. */
async function clearImported(db: Db, seriesIds: number[], importCount: number): Promise<void> {
	if (importCount === seriesIds.length) await db.execute(sql`truncate samples`);
	else await db.execute(sql`delete from samples where series_id = any(${sql.param(seriesIds.slice(0, importCount))}::int[])`);
}

/**
 * Only the importSeriesCsv calls are timed, not building each file's text: a real import reads a file
 * that already exists, and here generation would run serially with the import rather than overlap it.
 */
async function timeImportPath(database: Database, count: number, totalCount: number, days: number): Promise<Throughput> {
	const progress = progressReporter('import path', count, days);
	let elapsedMs = 0;
	for (let index = 0; index < count; index++) {
		const csv = importCsv(index, days);
		const startedAt = performance.now();
		const result = await importSeriesCsv(database, { source: 'github', key: seriesKey(index), metric: 'stars' }, csv);
		elapsedMs += performance.now() - startedAt;
		if (!result.ok) throw new Error(`import of ${result.series} failed: ${JSON.stringify(result.problems.slice(0, 3))}`);
		if (result.inserted !== days) throw new Error(`import of ${result.series} inserted ${result.inserted} of ${days}`);
		progress(index + 1);
	}
	await expectRows(database.db, 'samples', totalCount * days);
	return throughputOf(count * days, elapsedMs);
}

async function timeCsvParseOnly(count: number, days: number): Promise<Throughput> {
	let elapsedMs = 0;
	for (let index = 0; index < count; index++) {
		const csv = importCsv(index, days);
		const startedAt = performance.now();
		const parsed = await parseSampleCsv(csv);
		elapsedMs += performance.now() - startedAt;
		if (!parsed.ok) throw new Error(`bench CSV of series ${index} does not parse`);
	}
	return throughputOf(count * days, elapsedMs);
}

/**
 * What importSeriesCsv does minus the parse: the same transaction with target, series and samples
 * upserts. Written under other keys and deleted afterwards (the cascade takes their samples along).
 */
async function timeUpsertDirect(db: Db, count: number, days: number): Promise<Throughput> {
	let elapsedMs = 0;
	for (let index = 0; index < count; index++) {
		const rows = sampleInputs(index, days);
		const key = `bench-direct/s${index}`;
		const startedAt = performance.now();
		await db.transaction(async (tx) => {
			const targetId = await upsertTarget(tx, { source: 'github', key, displayName: key });
			const seriesId = await upsertSeries(tx, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
			await upsertSamples(tx, seriesId, 'imported', rows);
		});
		elapsedMs += performance.now() - startedAt;
	}
	await db.execute(sql`delete from targets where key like 'bench-direct/%'`);
	return throughputOf(count * days, elapsedMs);
}

/** COPY into a twin without the foreign key: how much of COPY's own time that per-row check takes. */
async function timeCopyWithoutForeignKey(engine: BenchEngine, count: number, days: number): Promise<Throughput> {
	const startedAt = performance.now();
	await copySeries(engine, 'samples_copy', count, days);
	const result = throughput(count * days, startedAt);
	await expectRows(engine.database.db, 'samples_copy', count * days);
	await engine.database.db.execute(sql`drop table samples_copy`);
	return result;
}

/**
 * Raw COPY of one series file per transaction: the same unit of durable work as one import (each
 * commit waits for its WAL to reach the disk), where the single COPY above commits once for all rows.
 */
async function timeCopyPerFile(engine: BenchEngine, count: number, days: number): Promise<Throughput> {
	const db = engine.database.db;
	const keys = Array.from({ length: count }, (_, index) => `bench-per-file/s${index}`);
	const seriesIds: number[] = [];
	for (const key of keys) {
		const targetId = await upsertTarget(db, { source: 'github', key, displayName: key });
		seriesIds.push(await upsertSeries(db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' }));
	}
	let elapsedMs = 0;
	for (let index = 0; index < count; index++) {
		const text = copyCsv(index, seriesIds[index]!, days);
		const startedAt = performance.now();
		await engine.copy('samples', [text]);
		elapsedMs += performance.now() - startedAt;
	}
	await db.execute(sql`delete from targets where key like 'bench-per-file/%'`);
	return throughputOf(count * days, elapsedMs);
}

async function timeBreakdown(engine: BenchEngine, count: number, days: number): Promise<Breakdown> {
	const subset = Math.max(1, Math.round(count / 10));
	console.log(`  timing the import's parts on ${subset} series`);
	const csvParseOnly = await timeCsvParseOnly(subset, days);
	const upsertDirect = await timeUpsertDirect(engine.database.db, subset, days);
	const copyWithoutForeignKey = await timeCopyWithoutForeignKey(engine, subset, days);
	const copyPerFile = await timeCopyPerFile(engine, subset, days);
	return { seriesCount: subset, csvParseOnly, upsertDirect, copyWithoutForeignKey, copyPerFile };
}

export async function runLoad(engine: BenchEngine, count: number, days: number): Promise<LoadResults> {
	const copyTextGeneration = timeCopyTextGeneration(Math.min(count, 200), days);
	const { copy, seriesIds } = await timeCopy(engine, count, days);
	console.log(`  raw COPY: ${formatInt(copy.rowsPerSec)} rows/s`);
	const importSeriesCount = Math.min(count, importSeriesMax);
	await clearImported(engine.database.db, seriesIds, importSeriesCount);
	const importPath = await timeImportPath(engine.database, importSeriesCount, count, days);
	const importVsCopy = importPath.rowsPerSec / copy.rowsPerSec;
	console.log(`  import path: ${formatInt(importPath.rowsPerSec)} rows/s (${importVsCopy.toFixed(2)}x COPY)`);
	const breakdown = await timeBreakdown(engine, importSeriesCount, days);
	return { seriesCount: count, days, samples: count * days, importSeriesCount, copyTextGeneration, copy, importPath, importVsCopy, breakdown };
}
