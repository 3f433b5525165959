/**
 * `npm run bench`: import throughput and read latency on a 10-million-sample PostgreSQL database and a
 * 200,000-sample in-memory PGlite one, printed side by side; the dashboard's page response times on the
 * large database and the JavaScript each page ships (from the build `npm run bench` makes first); HTTP
 * load on the built server (50 connections per endpoint); the latest values of 2,740, 27,400 and
 * 100,000 series; the compaction of a year of hourly samples (bench/compaction.ts); everything written
 * to bench/results/latest.json.
 *
 * Environment:
 * - BENCH_DATABASE_URL (else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres): the
 *   server and an admin database on it; the bench database `dockpulse_bench` (BENCH_DATABASE_NAME) is
 *   recreated there.
 * - BENCH_SCALE: multiple of the PostgreSQL series count (2,740), for quick runs (BENCH_SCALE=0.02) or
 *   large ones (BENCH_SCALE=36.5: 100,000 series); above 1 the import path is timed on 2,740 of them.
 *   The latest-values sizes shrink with it below 1 and never grow past 100,000.
 * - BENCH_DAYS: daily samples per series (default 3,650; 10,000 with 100,000 series is a billion
 *   samples, some 150 GB of disk with the index and WAL). A longer history starts before 2016.
 * - BENCH_LOAD_SECONDS: how long each endpoint of the HTTP load phase is asked (default 20).
 * - BENCH_DROP=1: drop dockpulse_bench at the end. By default it is kept, as a large database for
 *   dashboard work; BENCH_KEEP, when set, keeps it whatever BENCH_DROP says.
 */
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { redactUrl } from '../src/lib/server/db/client.js';
import {
	adminUrl,
	benchDatabaseName,
	dropBenchDatabase,
	openPgliteEngine,
	openPostgresEngine,
	type BenchEngine
} from './engines.js';
import { runAlertBench, type AlertBenchResults } from './alerts.js';
import { measureRouteBundles } from './bundles.js';
import { runCollectorBench } from './collectors.js';
import { runDownsamplingBench } from './downsampling.js';
import { runWorkerBench } from './workers.js';
import { runCompactionBench } from './compaction.js';
import { runExportBench, type ExportResults } from './export.js';
import { loadServerEnv, runHttpLoad, type HttpLoadResults } from './http-load.js';
import { latestSeriesSteps, openLatestPostgres, runLatestSizes, type LatestSizeResults } from './latest-values.js';
import { runPageBench, startBenchServer, type PageResults } from './pages.js';
import { runLoad } from './load.js';
import { maxExportSeries } from '../src/lib/server/export/stream.js';
import { defaultDays } from './data.js';
import { formatInt } from './measure.js';
import { runReads, type ReadOptions } from './reads.js';
import { formatSummary, writeResultsJson, type BenchResults, type EngineResults } from './report.js';

const postgresSeries = 2_740;
const pgliteSeries = 200;
const pgliteDays = 1_000;
const resultsPath = fileURLToPath(new URL('./results/latest.json', import.meta.url));

function readPositive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const value = Number(env[name] ?? fallback);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${env[name]}"`);
	return value;
}

/**
 * The scratch COPY table goes first, so that the kept database holds only what the app wrote. VACUUM
 * as well as ANALYZE: after a bulk load the first reads would otherwise pay for setting hint bits,
 * which autovacuum soon does on a real server, and the read timings should not include that.
 */
async function settle(engine: BenchEngine): Promise<number> {
	const startedAt = performance.now();
	await engine.database.db.execute(sql`drop table if exists samples_copy`);
	await engine.database.db.execute(sql`vacuum analyze`);
	return (performance.now() - startedAt) / 1000;
}

async function runEngine(
	name: EngineResults['engine'],
	engine: BenchEngine,
	shape: { series: number; days: number },
	readOptions: Omit<ReadOptions, 'seriesCount'>
): Promise<EngineResults> {
	console.log(`\n== ${name} (${engine.database.location}): ${formatInt(shape.series)} series x ${formatInt(shape.days)} days`);
	const load = await runLoad(engine, shape.series, shape.days);
	const analyzeSeconds = await settle(engine);
	console.log(`  VACUUM ANALYZE: ${analyzeSeconds.toFixed(1)} s`);
	const reads = await runReads(engine.database.db, { ...readOptions, seriesCount: shape.series });
	return { engine: name, location: engine.database.location, load, analyzeSeconds, reads };
}

async function runPostgres(admin: string, scale: number, days: number): Promise<EngineResults> {
	const engine = await openPostgresEngine(admin);
	try {
		const series = Math.max(1, Math.round(postgresSeries * scale));
		return await runEngine('PostgreSQL', engine, { series, days }, { warmup: 20, iterations: 200, latestIterations: 30 });
	} finally {
		await engine.database.close();
	}
}

async function runPglite(): Promise<EngineResults> {
	const engine = await openPgliteEngine();
	try {
		return await runEngine('PGlite', engine, { series: pgliteSeries, days: pgliteDays }, { warmup: 5, iterations: 50, latestIterations: 10 });
	} finally {
		await engine.database.close();
	}
}

/**
 * The pages, then the export, on one built server; the HTTP load on a second, fresh one, so that neither
 * the export's nor the load's memory shows in the other's RSS figures, and the answer cache starts empty.
 */
async function runServerPhases(
	admin: string,
	seriesCount: number,
	loadSeconds: number
): Promise<{ pages: PageResults; exported?: ExportResults; httpLoad: HttpLoadResults }> {
	let server = await startBenchServer(admin);
	let pages: PageResults;
	let exported: ExportResults | undefined;
	try {
		console.log('\n== dashboard pages on PostgreSQL (built server)');
		pages = await runPageBench(server, seriesCount);
		if (seriesCount <= maxExportSeries) {
			console.log('\n== CSV export of every sample (built server) vs COPY TO');
			exported = await runExportBench(server, admin);
		} else {
			console.log(`\n== CSV export skipped: ${formatInt(seriesCount)} series, more than one export takes (${formatInt(maxExportSeries)})`);
		}
	} finally {
		await server.stop();
	}
	server = await startBenchServer(admin, loadServerEnv);
	try {
		console.log(`\n== HTTP load, 50 connections x ${loadSeconds} s per endpoint (fresh built server)`);
		return { pages, exported, httpLoad: await runHttpLoad(server, seriesCount, loadSeconds) };
	} finally {
		await server.stop();
	}
}

/** The latest values at 2,740, 27,400 and 100,000 series (fewer below BENCH_SCALE=1), on a database of their own. */
async function runLatestStep(admin: string, scale: number): Promise<LatestSizeResults> {
	const sizes = latestSeriesSteps.map((n) => Math.max(1, Math.round(n * Math.min(1, scale))));
	console.log(`\n== latest values at ${sizes.map(formatInt).join(', ')} series on PostgreSQL`);
	const database = await openLatestPostgres(admin);
	try {
		return await runLatestSizes('PostgreSQL', database.db, sizes);
	} finally {
		await database.close();
		await database.drop();
	}
}

async function finishPostgres(admin: string, env: NodeJS.ProcessEnv): Promise<void> {
	if (env.BENCH_DROP === '1' && env.BENCH_KEEP === undefined) {
		await dropBenchDatabase(admin);
		console.log(`\nDropped ${benchDatabaseName}.`);
		return;
	}
	console.log(
		`\nKept ${benchDatabaseName} for reuse. To drop it: ` +
			`psql '${redactUrl(admin)}' -c 'drop database ${benchDatabaseName} with (force)' (or rerun with BENCH_DROP=1)`
	);
}

async function main(): Promise<void> {
	const startedAt = performance.now();
	const started = new Date();
	const startLoad = loadavg();
	const scale = readPositive(process.env, 'BENCH_SCALE', 1);
	const days = Math.round(readPositive(process.env, 'BENCH_DAYS', defaultDays));
	const loadSeconds = Math.round(readPositive(process.env, 'BENCH_LOAD_SECONDS', 20));
	const admin = adminUrl(process.env);
	const postgres = await runPostgres(admin, scale, days);
	const { pages, exported, httpLoad } = await runServerPhases(admin, postgres.load.seriesCount, loadSeconds);
	console.log('\n== alert rules on PostgreSQL');
	const alerts: AlertBenchResults = await runAlertBench(admin, postgres.load.seriesCount);
	await finishPostgres(admin, process.env);
	const latestSizes = await runLatestStep(admin, scale);
	const bundles = measureRouteBundles(['/', '/explore', '/targets', '/health']);
	const pglite = await runPglite();
	console.log('\n== a 10-year hourly series drawn at 1,000 points (rows read and time)');
	const downsampling = await runDownsamplingBench(admin);
	console.log('\n== collectors (replay server)');
	const collectors = await runCollectorBench(admin);
	console.log('\n== Docker Hub tick shared by worker processes (replay server, PostgreSQL)');
	const workers = await runWorkerBench(admin);
	console.log('\n== compaction of a year of hourly samples (retention)');
	const compaction = await runCompactionBench(admin);
	const results: BenchResults = {
		startedAt: started.toISOString(),
		totalSeconds: (performance.now() - startedAt) / 1000,
		scale,
		node: process.version,
		loadAverage: { start: startLoad, end: loadavg(), cpus: availableParallelism() },
		postgres,
		pglite,
		downsampling,
		collectors,
		workers,
		compaction,
		pages,
		exported,
		httpLoad,
		latestSizes,
		alerts,
		bundles
	};
	console.log(`\n${formatSummary(results)}`);
	writeResultsJson(resultsPath, results);
	console.log(`\nResults written to ${resultsPath}`);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? (error.stack ?? error.message) : error);
	process.exitCode = 1;
});
