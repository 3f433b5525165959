/**
 * Latest values on a database grown step by step to 2,740, 27,400 and 100,000 series (targets
 * bench/l<n> with one series each and a few daily samples; the queries read series_latest, so the
 * history's length does not matter): the whole list (listLatestValues, what the targets page and
 * GET /api/targets read up to 500 targets, and the pairs of linked targets) and one page of 100 targets
 * from the middle of the list (listLatestPage, what they read past 500: GET /api/targets?limit=100&after=).
 * The target (p95 <= 50 ms at 100,000 series, within 2x of 2,740) is judged on the page, which
 * is what a page view reads at that size; the whole list is reported beside it.
 * Shared by `npm run bench:latest` and the latest-values step of `npm run bench`. The rows are made by
 * the database (generate_series), so this process holds at most one answer of the query at a time.
 */
import { sql, type SQL } from 'drizzle-orm';
import { openDatabase, queryRows, type Database, type Db } from '../src/lib/server/db/client.js';
import { applyMigrations } from '../src/lib/server/db/migrate.js';
import { latestPageQuery, latestValuesQuery, listLatestPage, listLatestValues, type LatestPageRequest } from '../src/lib/server/db/queries/latest.js';
import { benchDatabaseName, benchUrl, runAdmin } from './engines.js';
import { latencyStats, timeOnce, type LatencyStats } from './measure.js';

export const latestSeriesSteps = [2_740, 27_400, 100_000];
export const latestP95TargetMs = 50;
/** The largest step's p95 within this many times the smallest's. */
export const latestGrowthTarget = 2;
const databaseName = `${benchDatabaseName}_latest`;

export interface LatestStep {
	series: number;
	/** Rows the query returned (one per series). */
	rows: number;
	/** listLatestValues in this process: the query, the rows' transfer and their parsing. */
	app: LatencyStats;
	/** The server's own execution time (EXPLAIN ANALYZE), without the transfer. */
	serverMs: number;
	/** listLatestPage: a page of 100 targets from the middle of the list, and its server time. */
	page: LatencyStats;
	pageServerMs: number;
	/** Growing the database to this step (inserts and VACUUM ANALYZE), untimed by the figures above. */
	growSeconds: number;
}

export interface LatestSizeResults {
	engine: 'PostgreSQL' | 'PGlite';
	samplesPerSeries: number;
	steps: LatestStep[];
	/** The page's p95 at the largest step over its p95 at the smallest. */
	p95Ratio: number;
	/** The same for the whole list. */
	wholeListP95Ratio: number;
}

/** Targets bench/l<n> with one series each and `samplesPerSeries` daily samples, for n from `from` to `to` - 1. */
export async function growTo(db: Db, from: number, to: number, samplesPerSeries: number): Promise<void> {
	await db.execute(sql`insert into targets (source, key, display_name)
		select 'github', 'bench/l' || n, 'bench ' || n from generate_series(${from}::int, ${to - 1}::int) n`);
	await db.execute(sql`insert into series (target_id, metric, unit, kind)
		select id, 'stars', 'stars', 'counter' from targets where key like 'bench/l%' and not exists (select 1 from series where target_id = targets.id)`);
	await db.execute(sql`insert into samples (series_id, ts, value, provenance)
		select s.id, timestamptz '2025-01-01' + d * interval '1 day', d * 10, 'observed'
		from series s join targets t on t.id = s.target_id, generate_series(0, ${samplesPerSeries - 1}::int) d
		where t.key like 'bench/l%' and substring(t.key from 8)::int >= ${from}::int`);
	await db.execute(sql`vacuum analyze`);
}

/** The server's own execution time, without the rows' transfer and parsing in JavaScript. */
export async function explainMs(db: Db, query: SQL): Promise<number> {
	const [row] = await queryRows<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(db, sql`explain (analyze, format json) ${query}`);
	return row!['QUERY PLAN'][0]['Execution Time'];
}

/** A page of 100 targets after the one in the middle of the list, as GET /api/targets?limit=100&after= reads it. */
export async function middlePageRequest(db: Db, count: number): Promise<LatestPageRequest> {
	const [middle] = await queryRows<{ source: string; key: string }>(
		db,
		sql`select source, key from targets order by source, key offset ${Math.floor(count / 2)} limit 1`
	);
	return { cursor: middle!, limit: 100, words: [] };
}

/** `iterations` timed runs after 3 untimed ones. */
export async function timeRuns(run: () => Promise<unknown>, iterations: number): Promise<LatencyStats> {
	const durations: number[] = [];
	for (let n = 0; n < iterations + 3; n++) {
		const ms = await timeOnce(run);
		if (n >= 3) durations.push(ms);
	}
	return latencyStats(durations);
}

/** A fresh dockpulse_bench_latest (after BENCH_DATABASE_NAME) on the PostgreSQL server of `admin`, dropped by drop(). */
export async function openLatestPostgres(admin: string): Promise<Database & { drop(): Promise<void> }> {
	await runAdmin(admin, `drop database if exists ${databaseName} with (force)`);
	await runAdmin(admin, `create database ${databaseName}`);
	const url = new URL(benchUrl(admin));
	url.pathname = `/${databaseName}`;
	const database = await openDatabase({ kind: 'postgres', url: url.toString() });
	await applyMigrations(database);
	return { ...database, drop: () => runAdmin(admin, `drop database if exists ${databaseName} with (force)`) };
}

/** Grows `db` (empty of bench/l targets) through `sizes`, timing listLatestValues and listLatestPage at each. */
export async function runLatestSizes(
	engine: LatestSizeResults['engine'],
	db: Db,
	sizes: readonly number[],
	options = { samplesPerSeries: 30, iterations: 20 }
): Promise<LatestSizeResults> {
	const steps: LatestStep[] = [];
	let have = 0;
	for (const count of sizes) {
		const startedAt = performance.now();
		await growTo(db, have, count, options.samplesPerSeries);
		have = count;
		const growSeconds = (performance.now() - startedAt) / 1000;
		let rows = 0;
		const app = await timeRuns(async () => (rows = (await listLatestValues(db)).length), options.iterations);
		if (rows < count) throw new Error(`latest values returned ${rows} rows for ${count} series`);
		const serverMs = await explainMs(db, latestValuesQuery);
		const pageRequest = await middlePageRequest(db, count);
		// A page costs milliseconds: ten times the reads, for a p95 that is not just the slowest of 20.
		const page = await timeRuns(() => listLatestPage(db, pageRequest), options.iterations * 10);
		const pageServerMs = await explainMs(db, latestPageQuery(pageRequest));
		console.log(
			`  ${engine} ${count} series (grown in ${growSeconds.toFixed(1)} s): whole list p50/p95 ${app.p50Ms.toFixed(1)}/${app.p95Ms.toFixed(1)} ms ` +
				`(server ${serverMs.toFixed(1)} ms), a page of 100 ${page.p50Ms.toFixed(1)}/${page.p95Ms.toFixed(1)} ms (server ${pageServerMs.toFixed(2)} ms)`
		);
		steps.push({ series: count, rows, app, serverMs, page, pageServerMs, growSeconds });
	}
	const [smallest, largest] = [steps[0]!, steps.at(-1)!];
	return {
		engine,
		samplesPerSeries: options.samplesPerSeries,
		steps,
		p95Ratio: largest.page.p95Ms / smallest.page.p95Ms,
		wholeListP95Ratio: largest.app.p95Ms / smallest.app.p95Ms
	};
}
