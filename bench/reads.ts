/**
 * Read latency: what GET /api/series runs (parse the query string, look the series up, read, bucket,
 * transform, thin) against the bare SQL statements underneath it (the same lookup query and window
 * statements: readStoredWindow, which thins a window of more than 2x points in SQL, so raw and day
 * over ten years), and the latest-values query.
 */
import { queryRows, type Db } from '../src/lib/server/db/client.js';
import { listLatestValues } from '../src/lib/server/db/queries/latest.js';
import { buildSeriesLookupQuery } from '../src/lib/server/db/queries/targets.js';
import { intervals, type Interval } from '../src/lib/server/metrics/intervals.js';
import { parseSeriesQuery } from '../src/lib/server/series/params.js';
import { readSeriesViews } from '../src/lib/server/series/read.js';
import { readStoredWindow } from '../src/lib/server/series/stored-window.js';
import { seededRandom, seriesKey } from './data.js';
import { loadSeriesIds } from './engines.js';
import { latencyStats, timeOnce, type LatencyStats } from './measure.js';

export const apiP95TargetMs = 50;
export const apiOverBareTarget = 1.5;

export interface ReadOptions {
	seriesCount: number;
	warmup: number;
	iterations: number;
	latestIterations: number;
}

export interface IntervalTiming {
	api: LatencyStats;
	bare: LatencyStats;
	p95Ratio: number;
	/** Points one API answer carried for a sample series (after bucketing and thinning). */
	pointsReturned: number;
}

export interface ReadResults {
	warmup: number;
	iterations: number;
	intervals: Record<Interval, IntervalTiming>;
	latest: LatencyStats & { rows: number };
}

function apiParams(index: number, interval: Interval): URLSearchParams {
	return new URLSearchParams(`series=github:${seriesKey(index)}:stars&from=2016-01-01&to=2025-12-31&interval=${interval}`);
}

async function readViaApi(db: Db, index: number, interval: Interval): Promise<number> {
	const result = await readSeriesViews(db, parseSeriesQuery(apiParams(index, interval)));
	if ('missing' in result) throw new Error(`series API reports missing ${result.missing.join(', ')}`);
	return result.series[0]!.points.length;
}

/**
 * One interval: the same random series sequence for both sides, interleaved and alternating which
 * goes first, so that neither side is systematically the one reading pages the other just cached.
 */
async function timeInterval(db: Db, ids: number[], interval: Interval, options: ReadOptions): Promise<IntervalTiming> {
	const random = seededRandom(intervals.indexOf(interval) + 1);
	const total = options.warmup + options.iterations;
	const picks = Array.from({ length: total }, () => Math.floor(random() * options.seriesCount));
	// The bare statements get the bounds exactly as the API parses them (`to` is the exclusive next day).
	const query = parseSeriesQuery(apiParams(0, interval));
	const api: number[] = [];
	const bare: number[] = [];
	let pointsReturned = 0;
	for (const [n, index] of picks.entries()) {
		const timeApi = () => timeOnce(async () => (pointsReturned = await readViaApi(db, index, interval)));
		const ref = { source: 'github', key: seriesKey(index), metric: 'stars' } as const;
		const timeBare = () =>
			timeOnce(async () => {
				await queryRows(db, buildSeriesLookupQuery([ref]));
				await readStoredWindow(db, ids[index]!, query);
			});
		let apiMs: number;
		let bareMs: number;
		if (n % 2 === 0) {
			apiMs = await timeApi();
			bareMs = await timeBare();
		} else {
			bareMs = await timeBare();
			apiMs = await timeApi();
		}
		if (n < options.warmup) continue;
		api.push(apiMs);
		bare.push(bareMs);
	}
	const apiStats = latencyStats(api);
	const bareStats = latencyStats(bare);
	return { api: apiStats, bare: bareStats, p95Ratio: apiStats.p95Ms / bareStats.p95Ms, pointsReturned };
}

async function timeLatest(db: Db, options: ReadOptions): Promise<ReadResults['latest']> {
	let rows = 0;
	const durations: number[] = [];
	for (let n = 0; n < options.latestIterations + 3; n++) {
		const ms = await timeOnce(async () => (rows = (await listLatestValues(db)).length));
		if (n >= 3) durations.push(ms);
	}
	if (rows < options.seriesCount) throw new Error(`latest values returned ${rows} rows for ${options.seriesCount} series`);
	return { ...latencyStats(durations), rows };
}

export async function runReads(db: Db, options: ReadOptions): Promise<ReadResults> {
	const ids = await loadSeriesIds(db, options.seriesCount);
	const timings = {} as Record<Interval, IntervalTiming>;
	for (const interval of intervals) {
		const timing = await timeInterval(db, ids, interval, options);
		timings[interval] = timing;
		console.log(
			`  ${interval.padEnd(7)} API p50/p95 ${timing.api.p50Ms.toFixed(2)}/${timing.api.p95Ms.toFixed(2)} ms, ` +
				`bare SQL ${timing.bare.p50Ms.toFixed(2)}/${timing.bare.p95Ms.toFixed(2)} ms`
		);
	}
	const latest = await timeLatest(db, options);
	console.log(`  latest values (${latest.rows} rows) p50/p95 ${latest.p50Ms.toFixed(2)}/${latest.p95Ms.toFixed(2)} ms`);
	return { warmup: options.warmup, iterations: options.iterations, intervals: timings, latest };
}
