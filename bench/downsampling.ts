/**
 * A 10-year hourly series (87,600 samples) drawn at 1,000 points, as GET /api/series reads it: the
 * rows its statements return and the time, before and after long windows were thinned in SQL, on
 * PostgreSQL (a database of its own) and on an in-memory PGlite.
 * - before: the whole window read (listSeriesWindow, one statement) and thinned in JavaScript
 *   (selectMinMaxIndices), what series/read.ts did for every window;
 * - after: readStoredWindow (the window's samples counted per provenance, then one statement returning
 *   the baseline and each pixel's extremes) and the same JavaScript, which then keeps every point;
 * - the whole answer after (readSeriesViews: lookup, window, transform, thinning).
 * Target: at most 2,000 rows read for the 1,000 points drawn.
 *
 * `npx tsx bench/downsampling.ts` runs it alone (BENCH_DATABASE_URL / TEST_DATABASE_URL as for the bench).
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database, type Db } from '../src/lib/server/db/client.js';
import { applyMigrations } from '../src/lib/server/db/migrate.js';
import { buildSampleCountQuery, countWindowSamples, listRawExtremes } from '../src/lib/server/db/queries/series-extremes.js';
import { listSeriesWindow } from '../src/lib/server/db/queries/series-points.js';
import { upsertSeries, upsertTarget } from '../src/lib/server/db/queries/targets.js';
import { computePixelWidthMs, selectMinMaxIndices } from '../src/lib/server/metrics/downsample.js';
import { parseSeriesQuery } from '../src/lib/server/series/params.js';
import { readSeriesViews } from '../src/lib/server/series/read.js';
import { readStoredWindow } from '../src/lib/server/series/stored-window.js';
import { adminUrl, runAdmin } from './engines.js';
import { formatInt, formatMs, latencyStats, passFail, timeOnce, type LatencyStats } from './measure.js';

export const downsamplingRowsTarget = 2_000;
const databaseName = 'dockpulse_bench_downsampling';
const hours = 87_600;
const points = 1_000;
const queryString = `series=github:bench/hourly:stars&points=${points}`;

export interface DownsampledRead {
	/** Rows the read's statements returned. */
	rows: number;
	time: LatencyStats;
}

export interface DownsamplingEngineResults {
	engine: 'PostgreSQL' | 'PGlite';
	samples: number;
	pointsDrawn: number;
	before: DownsampledRead;
	after: DownsampledRead;
	answer: LatencyStats;
}

export interface DownsamplingResults {
	postgres: DownsamplingEngineResults;
	pglite: DownsamplingEngineResults;
}

/** github:bench/hourly:stars, hourly from 2016 for ten years: a counter with a daily wave and a few bursts. */
async function seedHourlySeries(db: Db): Promise<number> {
	const targetId = await upsertTarget(db, { source: 'github', key: 'bench/hourly', displayName: 'bench hourly' });
	const seriesId = await upsertSeries(db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
	await db.execute(sql`insert into samples (series_id, ts, value, provenance)
		select ${seriesId}, timestamptz '2016-01-01' + n * interval '1 hour',
			1000 + n * 3 + round(50 * sin(n * pi() / 12)) + case when n % 997 = 0 then 400 else 0 end,
			case when n < 40000 then 'imported' else 'observed' end
		from generate_series(0, ${hours - 1}::int) n`);
	await db.execute(sql`vacuum analyze samples`);
	return seriesId;
}

/** Rows returned by the statements of each path, counted once outside the timings. */
async function countRows(db: Db, seriesId: number): Promise<{ before: number; after: number }> {
	const query = parseSeriesQuery(new URLSearchParams(queryString));
	const window = await listSeriesWindow(db, seriesId, query);
	const counted = await queryRows(db, buildSampleCountQuery(seriesId, query));
	const count = (await countWindowSamples(db, seriesId, query))!;
	const thinned = await listRawExtremes(db, seriesId, query, { ...count, widthMs: computePixelWidthMs(count.lastMs - count.firstMs, points) });
	const rowsOf = (w: typeof window) => w.points.length + (w.baseline ? 1 : 0);
	return { before: rowsOf(window), after: counted.length + rowsOf(thinned) };
}

async function measure(engine: DownsamplingEngineResults['engine'], db: Db, iterations: number): Promise<DownsamplingEngineResults> {
	const seriesId = await seedHourlySeries(db);
	const query = parseSeriesQuery(new URLSearchParams(queryString));
	const rows = await countRows(db, seriesId);
	const thin = (values: { tMs: number; value: number }[]) => selectMinMaxIndices(values.map((p) => [p.tMs, p.value]), points).length;
	const before = () => timeOnce(async () => thin((await listSeriesWindow(db, seriesId, query)).points));
	const after = () => timeOnce(async () => thin((await readStoredWindow(db, seriesId, query)).window.points));
	const beforeMs: number[] = [];
	const afterMs: number[] = [];
	// Interleaved, alternating which goes first, after two warm-up rounds.
	for (let n = 0; n < iterations + 2; n++) {
		let beforeOne: number;
		let afterOne: number;
		if (n % 2 === 0) {
			beforeOne = await before();
			afterOne = await after();
		} else {
			afterOne = await after();
			beforeOne = await before();
		}
		if (n < 2) continue;
		beforeMs.push(beforeOne);
		afterMs.push(afterOne);
	}
	let pointsDrawn = 0;
	const answerMs: number[] = [];
	for (let n = 0; n < iterations; n++) {
		answerMs.push(
			await timeOnce(async () => {
				const result = await readSeriesViews(db, query);
				if ('missing' in result) throw new Error(`missing ${result.missing.join(', ')}`);
				pointsDrawn = result.series[0]!.points.length;
			})
		);
	}
	const results: DownsamplingEngineResults = {
		engine,
		samples: hours,
		pointsDrawn,
		before: { rows: rows.before, time: latencyStats(beforeMs) },
		after: { rows: rows.after, time: latencyStats(afterMs) },
		answer: latencyStats(answerMs)
	};
	console.log(`  ${formatDownsampling(results)}`);
	return results;
}

export function formatDownsampling(r: DownsamplingEngineResults): string {
	const time = (s: LatencyStats) => `p50/p95 ${formatMs(s.p50Ms)}/${formatMs(s.p95Ms)} ms`;
	return (
		`${r.engine}: 10-year hourly series (${formatInt(r.samples)} samples) drawn at ${formatInt(points)} points (${formatInt(r.pointsDrawn)} drawn): ` +
		`before ${formatInt(r.before.rows)} rows, ${time(r.before.time)}; after ${formatInt(r.after.rows)} rows, ${time(r.after.time)} ` +
		`(target <= ${formatInt(downsamplingRowsTarget)} rows) ${passFail(r.after.rows <= downsamplingRowsTarget)}; whole answer ${time(r.answer)}`
	);
}

async function onPostgres(admin: string): Promise<DownsamplingEngineResults> {
	await runAdmin(admin, `drop database if exists ${databaseName} with (force)`);
	await runAdmin(admin, `create database ${databaseName}`);
	const url = new URL(admin);
	url.pathname = `/${databaseName}`;
	const database = await openDatabase({ kind: 'postgres', url: url.toString() });
	try {
		await applyMigrations(database);
		return await measure('PostgreSQL', database.db, 20);
	} finally {
		await database.close();
		await runAdmin(admin, `drop database if exists ${databaseName} with (force)`);
	}
}

async function onPglite(): Promise<DownsamplingEngineResults> {
	const database: Database = await openDatabase({ kind: 'pglite-memory' });
	try {
		await applyMigrations(database);
		return await measure('PGlite', database.db, 10);
	} finally {
		await database.close();
	}
}

export async function runDownsamplingBench(admin: string): Promise<DownsamplingResults> {
	return { postgres: await onPostgres(admin), pglite: await onPglite() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	console.log('== a 10-year hourly series drawn at 1,000 points (rows read and time)');
	runDownsamplingBench(adminUrl(process.env)).catch((error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exitCode = 1;
	});
}
