/**
 * Retention: a year of hourly observed samples for a set of series, compacted to one per UTC day
 * (retention/compact.ts), on PostgreSQL and on an embedded PGlite store in a folder. Measured:
 * - the samples table with its key (pg_total_relation_size, after VACUUM) before, after the compaction
 *   and a VACUUM (the files keep their size: the space is free for new samples), and after a rewrite
 *   (VACUUM FULL, `npm run compact -- --reclaim`); target: rewritten <= 1/10 of before;
 * - that the freed space is reused: 30 more days of hourly samples after the compaction, and how much
 *   the table grew against what they take in a table without free space (then deleted again);
 * - that every series read at interval=day answers the same before and after (target: identical);
 * - the compaction's time and its longest batch (the longest a writer of one series waits).
 *
 * `npm run bench:compaction` runs it alone. Environment: BENCH_DATABASE_URL (else TEST_DATABASE_URL,
 * else postgres://postgres@127.0.0.1:5432/postgres); COMPACTION_SERIES (default 40 on PostgreSQL, 20 on PGlite).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database, type Db } from '../src/lib/server/db/client.js';
import { applyMigrations } from '../src/lib/server/db/migrate.js';
import { getSamplesBytes, rewriteSamples, vacuumSamples } from '../src/lib/server/db/queries/compaction.js';
import { upsertSamples } from '../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../src/lib/server/db/queries/targets.js';
import { compactObservedSamples } from '../src/lib/server/retention/compact.js';
import { parseSeriesQuery } from '../src/lib/server/series/params.js';
import { readSeriesViews } from '../src/lib/server/series/read.js';
import { adminUrl, benchUrl, runAdmin } from './engines.js';
import { formatInt, passFail } from './measure.js';

export const compactedSizeTargetRatio = 0.1;
const databaseName = 'dockpulse_bench_compaction';
const hourMs = 3_600_000;
const yearStart = Date.UTC(2025, 0, 1);
const yearHours = 8_760;
const reuseDays = 30;
// Every day of the year is older than RAW_RETENTION_DAYS (90) at this instant.
const now = new Date(Date.UTC(2026, 3, 15));
const rawDays = 90;

export interface CompactionEngineResults {
	engine: 'PostgreSQL' | 'PGlite';
	series: number;
	samplesBefore: number;
	samplesAfter: number;
	bytesBefore: number;
	bytesAfterVacuum: number;
	bytesAfterRewrite: number;
	/** bytesAfterRewrite / bytesBefore; target <= compactedSizeTargetRatio. */
	ratio: number;
	compactSeconds: number;
	batches: number;
	longestBatchMs: number;
	rewriteSeconds: number;
	/** The table's growth from reuseDays of new hourly samples after the compaction, and theirs without free space. */
	reuse: { samples: number; growthBytes: number; bytesWithoutFreeSpace: number };
	isDayReadIdentical: boolean;
}

export interface CompactionBenchResults {
	postgres: CompactionEngineResults;
	pglite: CompactionEngineResults;
}

/** A counter growing a few thousand an hour, with a dip now and then (a `decrease` flag, merged into its day). */
function hourlyRows(seriesIndex: number, fromMs: number, hours: number, startValue: number) {
	let value = startValue;
	return Array.from({ length: hours }, (_, h) => {
		value += 1_000 + ((h * 7919 + seriesIndex) % 5_000);
		return { ts: new Date(fromMs + h * hourMs), value: (h + seriesIndex) % 173 === 0 ? value - 20_000 : value };
	});
}

async function writeYear(db: Db, seriesCount: number): Promise<number[]> {
	const ids: number[] = [];
	for (let s = 0; s < seriesCount; s++) {
		const targetId = await upsertTarget(db, { source: 'dockerhub', key: `bench/retention-${s}`, displayName: `image ${s}` });
		const id = await upsertSeries(db, targetId, { metric: 'pulls', unit: 'pulls', kind: 'counter' });
		await db.transaction((tx) => upsertSamples(tx, id, 'observed', hourlyRows(s, yearStart, yearHours, 1e9 + s * 1e6)));
		ids.push(id);
	}
	return ids;
}

async function countSamples(db: Db): Promise<number> {
	const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from samples`);
	return Number(row!.n);
}

async function readDays(db: Db, seriesCount: number): Promise<unknown[]> {
	const views: unknown[] = [];
	for (let s = 0; s < seriesCount; s++) {
		views.push(await readSeriesViews(db, parseSeriesQuery(new URLSearchParams(`series=dockerhub:bench/retention-${s}:pulls&interval=day&points=10000`))));
	}
	return views;
}

/** reuseDays of new hourly samples after the year: how much the table grows; then they are deleted again. */
async function measureReuse(db: Db, ids: readonly number[], bytesPerSample: number): Promise<CompactionEngineResults['reuse']> {
	const before = await getSamplesBytes(db);
	const fromMs = yearStart + yearHours * hourMs;
	for (const [s, id] of ids.entries()) {
		await db.transaction((tx) => upsertSamples(tx, id, 'observed', hourlyRows(s, fromMs, reuseDays * 24, 2e9)));
	}
	await vacuumSamples(db);
	const samples = ids.length * reuseDays * 24;
	const growthBytes = (await getSamplesBytes(db)) - before;
	await db.execute(sql`delete from samples where ts >= ${new Date(fromMs).toISOString()}::timestamptz`);
	return { samples, growthBytes, bytesWithoutFreeSpace: samples * bytesPerSample };
}

async function runOn(engine: CompactionEngineResults['engine'], database: Database, seriesCount: number): Promise<CompactionEngineResults> {
	const db = database.db;
	console.log(`  ${engine}: writing ${formatInt(seriesCount)} series x ${formatInt(yearHours)} hourly samples`);
	const ids = await writeYear(db, seriesCount);
	await vacuumSamples(db);
	const samplesBefore = await countSamples(db);
	const bytesBefore = await getSamplesBytes(db);
	const daysBefore = await readDays(db, seriesCount);
	let longestBatchMs = 0;
	const startedAt = performance.now();
	const report = await compactObservedSamples(db, { rawDays, now, onBatch: (batch) => void (longestBatchMs = Math.max(longestBatchMs, batch.ms)) });
	const compactSeconds = (performance.now() - startedAt) / 1000;
	await vacuumSamples(db);
	const bytesAfterVacuum = await getSamplesBytes(db);
	const isDayReadIdentical = isDeepStrictEqual(await readDays(db, seriesCount), daysBefore);
	const samplesAfter = await countSamples(db);
	const reuse = await measureReuse(db, ids, bytesBefore / samplesBefore);
	const rewriteStartedAt = performance.now();
	await rewriteSamples(db);
	const rewriteSeconds = (performance.now() - rewriteStartedAt) / 1000;
	const bytesAfterRewrite = await getSamplesBytes(db);
	return {
		engine,
		series: seriesCount,
		samplesBefore,
		samplesAfter,
		bytesBefore,
		bytesAfterVacuum,
		bytesAfterRewrite,
		ratio: bytesAfterRewrite / bytesBefore,
		compactSeconds,
		batches: report.batches,
		longestBatchMs,
		rewriteSeconds,
		reuse,
		isDayReadIdentical
	};
}

async function runPostgres(admin: string, seriesCount: number): Promise<CompactionEngineResults> {
	await runAdmin(admin, `drop database if exists ${databaseName} with (force)`);
	await runAdmin(admin, `create database ${databaseName}`);
	const url = benchUrl(admin).replace(/\/[^/]*$/, `/${databaseName}`);
	const database = await openDatabase({ kind: 'postgres', url, statementTimeoutMs: 0 });
	try {
		await applyMigrations(database);
		return await runOn('PostgreSQL', database, seriesCount);
	} finally {
		await database.close();
		await runAdmin(admin, `drop database if exists ${databaseName} with (force)`);
	}
}

async function runPglite(seriesCount: number): Promise<CompactionEngineResults> {
	const dataDir = mkdtempSync(join(tmpdir(), 'dockpulse-compaction-'));
	try {
		const database = await openDatabase({ kind: 'pglite', dataDir });
		try {
			await applyMigrations(database);
			return await runOn('PGlite', database, seriesCount);
		} finally {
			await database.close();
		}
	} finally {
		rmSync(dataDir, { recursive: true, force: true });
	}
}

export async function runCompactionBench(admin: string, env: NodeJS.ProcessEnv = process.env): Promise<CompactionBenchResults> {
	const configured = env.COMPACTION_SERIES === undefined ? undefined : Number(env.COMPACTION_SERIES);
	const postgres = await runPostgres(admin, configured ?? 40);
	const pglite = await runPglite(configured ?? 20);
	return { postgres, pglite };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

export function formatCompactionLines(results: CompactionBenchResults): string[] {
	return [results.postgres, results.pglite].map(
		(e) =>
			`compaction on ${e.engine}, ${formatInt(e.series)} series x a year hourly: ${formatInt(e.samplesBefore)} -> ${formatInt(e.samplesAfter)} samples ` +
			`in ${e.compactSeconds.toFixed(1)} s (${formatInt(e.batches)} batches, longest ${e.longestBatchMs.toFixed(0)} ms); ` +
			`samples + key ${mb(e.bytesBefore)} -> ${mb(e.bytesAfterVacuum)} after VACUUM (free for new samples: ` +
			`${formatInt(e.reuse.samples)} new ones grew it ${mb(e.reuse.growthBytes)}, ${mb(e.reuse.bytesWithoutFreeSpace)} without free space) -> ` +
			`${mb(e.bytesAfterRewrite)} after VACUUM FULL (${e.rewriteSeconds.toFixed(1)} s), ${e.ratio.toFixed(3)} of before ` +
			`(target <= ${compactedSizeTargetRatio}) ${passFail(e.ratio <= compactedSizeTargetRatio)}; ` +
			`day reads identical before and after: ${e.isDayReadIdentical ? 'yes' : 'NO'} ${passFail(e.isDayReadIdentical)}`
	);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const results = await runCompactionBench(adminUrl(process.env));
	for (const line of formatCompactionLines(results)) console.log(line);
}
