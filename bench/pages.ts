/**
 * Server response times of the dashboard's pages on the 10-million-sample database: the built server
 * (what `npm start` runs) on dockpulse_bench, asked over HTTP as a browser would. The explorer is asked
 * for 10 series over the 10 years the database holds; each iteration picks other series, so that no
 * answer comes from a cache warmed by the previous one.
 */
import { seededRandom, seriesKey } from './data.js';
import { benchUrl } from './engines.js';
import { latencyStats, type LatencyStats } from './measure.js';
import { getFreePort, spawnNode, waitForHealthy } from '../harness/processes.js';

export const explorerP95TargetMs = 300;

export interface PageTiming {
	page: string;
	/** One example of the URLs asked (they differ per iteration only in the series picked). */
	example: string;
	html: LatencyStats;
	/** The load function's data alone, as a client-side navigation fetches it. */
	data: LatencyStats;
}

export interface PageResults {
	seriesCount: number;
	explorer: PageTiming;
	others: PageTiming[];
}

/**
 * The first start on a freshly loaded database recomputes the counter flags of every sample (the COPY
 * wrote none, and the store checks them against the current rules at start): minutes at 10 million.
 */
const serverStartTimeoutMs = 30 * 60_000;

export interface BenchServer {
	url: string;
	pid: number;
	stop(): Promise<void>;
}

/**
 * The overview's headline cards, as a deployment shows them (its default FEATURED_SERIES name series
 * the bench database does not hold): six series of the bench, each with a sparkline and an ETA.
 */
export const benchFeaturedSeries = Array.from({ length: 6 }, (_, i) => `github:${seriesKey(i)}:stars`);

/** The built server (what `npm start` runs) on dockpulse_bench, without schedules; `env` adds to its environment. */
export async function startBenchServer(admin: string, env: Record<string, string> = {}): Promise<BenchServer> {
	const port = await getFreePort();
	const server = spawnNode(['build/index.js'], {
		DATABASE_URL: benchUrl(admin),
		HOST: '127.0.0.1',
		PORT: String(port),
		RUN_SCHEDULES: 'false',
		DEFAULT_WATCHLIST: 'false',
		FEATURED_SERIES: benchFeaturedSeries.join(','),
		...env
	});
	const url = `http://127.0.0.1:${port}`;
	const startedAt = performance.now();
	try {
		await waitForHealthy(url, server, serverStartTimeoutMs);
	} catch (error) {
		server.child.kill('SIGTERM');
		throw error;
	}
	console.log(`  built server healthy after ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
	return {
		url,
		pid: server.child.pid!,
		async stop() {
			server.child.kill('SIGTERM');
			await server.closed;
		}
	};
}

async function timeGet(url: string): Promise<number> {
	const startedAt = performance.now();
	const response = await fetch(url, { headers: { accept: 'text/html' } });
	const body = await response.text();
	const ms = performance.now() - startedAt;
	if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${body.slice(0, 300)}`);
	return ms;
}

/** `__data.json` is where Kit serves a page's load data for client-side navigation. */
function dataUrlOf(pageUrl: string): string {
	const url = new URL(pageUrl);
	url.pathname = `${url.pathname.replace(/\/$/, '')}/__data.json`;
	return url.toString();
}

async function timePage(page: string, urlFor: (n: number) => string, iterations: number, warmup: number): Promise<PageTiming> {
	const html: number[] = [];
	const data: number[] = [];
	for (let n = 0; n < warmup + iterations; n++) {
		const url = urlFor(n);
		const htmlMs = await timeGet(url);
		const dataMs = await timeGet(dataUrlOf(url));
		if (n < warmup) continue;
		html.push(htmlMs);
		data.push(dataMs);
	}
	const timing = { page, example: urlFor(0).replace(/^http:\/\/[^/]+/, ''), html: latencyStats(html), data: latencyStats(data) };
	console.log(
		`  ${page.padEnd(10)} HTML p50/p95 ${timing.html.p50Ms.toFixed(1)}/${timing.html.p95Ms.toFixed(1)} ms, ` +
			`data ${timing.data.p50Ms.toFixed(1)}/${timing.data.p95Ms.toFixed(1)} ms`
	);
	return timing;
}

export async function runPageBench(server: BenchServer, seriesCount: number, options = { iterations: 60, warmup: 5 }): Promise<PageResults> {
	const random = seededRandom(0xe8_91_0e);
	const explorerUrl = () => {
		const params = new URLSearchParams();
		for (let i = 0; i < 10; i++) params.append('series', `github:${seriesKey(Math.floor(random() * seriesCount))}:stars`);
		params.set('from', '2016-01-01');
		params.set('to', '2025-12-31');
		params.set('interval', 'day');
		return `${server.url}/explore?${params}`;
	};
	const explorer = await timePage('/explore', explorerUrl, options.iterations, options.warmup);
	const others: PageTiming[] = [];
	for (const page of ['/', '/targets', '/health']) {
		others.push(await timePage(page, () => `${server.url}${page}`, Math.ceil(options.iterations / 3), 2));
	}
	return { seriesCount, explorer, others };
}
