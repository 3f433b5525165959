/**
 * HTTP load on the built server: for each endpoint, 50 connections asking as fast as it answers for
 * BENCH_LOAD_SECONDS (default 20), with autocannon running in this process. /api/series is asked twice:
 * once the same query over and over (after the first, every answer comes from the in-memory answer
 * cache) and once with 10 other random series each request (almost every answer computed), since the
 * two differ by an order of magnitude and only the second shows what the database costs. /healthz is
 * the floor: what the server does per request before any route's work.
 *
 * The load generator shares the machine's two cores with the server and PostgreSQL, so every figure is
 * lower than a separate client would measure; the load average is reported with them.
 *
 * autocannon stops at the deadline, but the requests then in flight still run on the server (a slow
 * endpoint can have a backlog of 50, more with the requests re-sent after a 10 s client timeout):
 * before the next phase the bench waits until the server has answered every request sent (its own
 * request counter, on /metrics) or is idle, so that none is charged to the next endpoint, and reports
 * how long that took, and the server's CPU time per answer over the phase and its backlog.
 */
import autocannon from 'autocannon';
import { seededRandom, seriesKey } from './data.js';
import type { BenchServer } from './pages.js';
import { readCpuSeconds, readRssMb, sampleRss } from './proc.js';

export const loadConnections = 50;
/** The load server serves /metrics, whose request counter tells when a phase's backlog is done. */
export const loadServerEnv = { METRICS: 'true' };
const drainMaxSeconds = 300;
export const seriesLoadTarget = { reqPerSec: 300, p99Ms: 250 };
export const overviewLoadTarget = { reqPerSec: 50, p99Ms: 500 };

export interface LoadTarget {
	reqPerSec: number;
	p99Ms: number;
}

export interface LoadPhase {
	name: string;
	/** One URL of those asked (the varying phase asks a new one each time). */
	example: string;
	seconds: number;
	/** Answers of any status. */
	requests: number;
	/** Mean of the per-second answer counts (any status), as autocannon reports it. */
	reqPerSec: number;
	/** 2xx answers per second: what the target is held to. */
	okPerSec: number;
	/** Latency of the 2xx answers (autocannon's excludeErrorStats), in ms. */
	p50Ms: number;
	p99Ms: number;
	maxMs: number;
	non2xx: number;
	statusCounts: Record<string, number>;
	/** Connection errors, timeouts (10 s) included. */
	errors: number;
	timeouts: number;
	/** X-Dockpulse-Cache of the /api/series answers. */
	cache?: { hits: number; misses: number };
	/** The server's resident memory: before the phase, the highest sampled during it, once drained. */
	rssMb: { before: number; peak: number; after: number };
	/** Seconds after the deadline until the server had answered every request sent (capped at 300). */
	drainSeconds: number;
	/** The server process's CPU time (not PostgreSQL's) per request it answered, backlog included. */
	cpuMsPerAnswer: number;
	target?: LoadTarget;
}

export interface HttpLoadResults {
	connections: number;
	seconds: number;
	seriesCount: number;
	phases: LoadPhase[];
}

export function meetsTarget(phase: LoadPhase): boolean | undefined {
	if (!phase.target) return undefined;
	return phase.okPerSec >= phase.target.reqPerSec && phase.p99Ms <= phase.target.p99Ms && phase.non2xx === 0 && phase.errors === 0;
}

interface PhasePlan {
	name: string;
	/** The path (and query) of the n-th request. */
	pathFor: (n: number) => string;
	accept?: string;
	target?: LoadTarget;
	countsCache?: boolean;
	/** Asks once before the phase, so that the phase measures the answer cache's hits, not its first fill. */
	isPrimed?: boolean;
}

const tenYears = { from: '2016-01-01', to: '2025-12-31' };

function seriesPath(indexes: number[], interval: string): string {
	const params = new URLSearchParams();
	for (const index of indexes) params.append('series', `github:${seriesKey(index)}:stars`);
	params.set('from', tenYears.from);
	params.set('to', tenYears.to);
	params.set('interval', interval);
	return `/api/series?${params}`;
}

/** 10 distinct series (or all of them, on a smaller database), drawn afresh for each request. */
function randomSeriesPaths(seriesCount: number, seed: number): (n: number) => string {
	const random = seededRandom(seed);
	const perRequest = Math.min(10, seriesCount);
	return () => {
		const picked = new Set<number>();
		while (picked.size < perRequest) picked.add(Math.floor(random() * seriesCount));
		return seriesPath([...picked], 'month');
	};
}

function planPhases(seriesCount: number): PhasePlan[] {
	const firstTen = Array.from({ length: Math.min(10, seriesCount) }, (_, i) => i);
	const exportParams = new URLSearchParams({ series: `github:${seriesKey(0)}:stars`, ...tenYears });
	return [
		{ name: '/healthz (floor)', pathFor: () => '/healthz' },
		{
			name: '/api/series, same query (answer cache)',
			pathFor: () => seriesPath(firstTen, 'month'),
			target: seriesLoadTarget,
			countsCache: true,
			isPrimed: true
		},
		{ name: '/api/series, 10 random series (cache-busting)', pathFor: randomSeriesPaths(seriesCount, 0x10ad), target: seriesLoadTarget, countsCache: true },
		{ name: '/ (overview, six headline cards)', pathFor: () => '/', accept: 'text/html', target: overviewLoadTarget },
		{ name: '/targets', pathFor: () => '/targets', accept: 'text/html' },
		{ name: '/api/export.csv, one series x 10 years', pathFor: () => `/api/export.csv?${exportParams}` }
	];
}

function headerValue(headers: Record<string, unknown>, name: string): unknown {
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	return key === undefined ? undefined : headers[key];
}

/** Requests the server has answered, /metrics itself left out, from its dockpulse_http_requests_total. */
async function countAnswered(server: BenchServer): Promise<number> {
	const response = await fetch(`${server.url}/metrics`);
	const text = await response.text();
	if (!response.ok) throw new Error(`GET /metrics answered ${response.status}: ${text.slice(0, 200)}`);
	let total = 0;
	for (const line of text.split('\n')) {
		if (!line.startsWith('dockpulse_http_requests_total{') || line.includes('route="/metrics"')) continue;
		total += Number(line.slice(line.lastIndexOf(' ') + 1));
	}
	return total;
}

/**
 * Waits until the server has answered `expected` requests in all, or has been idle for 3 s (no answer,
 * under 5% of a core): a request autocannon counted as sent just before it stopped or gave up on a
 * connection may never have reached the server. The seconds that took.
 */
async function waitForDrain(server: BenchServer, expected: number): Promise<number> {
	const pollMs = 500;
	const startedAt = performance.now();
	let last = { answered: -1, cpuSeconds: readCpuSeconds(server.pid) };
	let quietPolls = 0;
	for (;;) {
		const seconds = (performance.now() - startedAt) / 1000;
		const now = { answered: await countAnswered(server), cpuSeconds: readCpuSeconds(server.pid) };
		if (now.answered >= expected) return seconds;
		const isQuiet = now.answered === last.answered && now.cpuSeconds - last.cpuSeconds < 0.05 * (pollMs / 1000);
		quietPolls = isQuiet ? quietPolls + 1 : 0;
		if (quietPolls >= 6) return seconds;
		if (seconds > drainMaxSeconds) {
			console.log(`  (the server was still answering ${drainMaxSeconds} s after the phase; going on)`);
			return seconds;
		}
		last = now;
		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
}

async function runPhase(server: BenchServer, plan: PhasePlan, seconds: number): Promise<LoadPhase> {
	const cache = { hits: 0, misses: 0 };
	let n = 0;
	if (plan.isPrimed) await fetch(`${server.url}${plan.pathFor(0)}`).then((r) => r.text());
	const answeredBefore = await countAnswered(server);
	const cpuBefore = readCpuSeconds(server.pid);
	const rss = sampleRss(server.pid, 250);
	const result = await autocannon({
		url: server.url,
		connections: loadConnections,
		duration: seconds,
		excludeErrorStats: true,
		headers: plan.accept ? { accept: plan.accept } : {},
		requests: [
			{
				method: 'GET',
				setupRequest: (request) => ({ ...request, path: plan.pathFor(n++) }),
				onResponse: (_status, _body, _context, headers) => {
					const state = headerValue(headers as Record<string, unknown>, 'x-dockpulse-cache');
					if (state === 'hit') cache.hits++;
					else if (state === 'miss') cache.misses++;
				}
			}
		]
	});
	const drainSeconds = await waitForDrain(server, answeredBefore + result.requests.sent);
	const peak = rss.stop();
	const cpuMsPerAnswer = ((readCpuSeconds(server.pid) - cpuBefore) * 1000) / Math.max(1, (await countAnswered(server)) - answeredBefore);
	const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]));
	return {
		name: plan.name,
		example: plan.pathFor(0),
		seconds: result.duration,
		requests: result.requests.total,
		reqPerSec: result.requests.mean,
		okPerSec: result['2xx'] / result.duration,
		p50Ms: result.latency.p50,
		p99Ms: result.latency.p99,
		maxMs: result.latency.max,
		non2xx: result.non2xx,
		statusCounts,
		errors: result.errors,
		timeouts: result.timeouts,
		...(plan.countsCache ? { cache } : {}),
		rssMb: { before: rss.beforeMb, peak, after: readRssMb(server.pid) },
		drainSeconds,
		cpuMsPerAnswer,
		...(plan.target ? { target: plan.target } : {})
	};
}

export function describePhase(phase: LoadPhase): string {
	const statuses = Object.entries(phase.statusCounts)
		.map(([code, count]) => `${count} x ${code}`)
		.join(', ');
	const cache = phase.cache ? `, cache ${phase.cache.hits} hits / ${phase.cache.misses} misses` : '';
	return (
		`${phase.okPerSec.toFixed(0)} ok req/s (${phase.reqPerSec.toFixed(0)} answers/s), p50/p99 ${phase.p50Ms.toFixed(0)}/${phase.p99Ms.toFixed(0)} ms, ` +
		`${statuses || 'no answers'}, ${phase.errors} errors (${phase.timeouts} timeouts)${cache}, ` +
		`server CPU ${phase.cpuMsPerAnswer.toFixed(1)} ms per answer, RSS ${phase.rssMb.before.toFixed(0)} -> peak ${phase.rssMb.peak.toFixed(0)} -> ${phase.rssMb.after.toFixed(0)} MB` +
		(phase.drainSeconds >= 1 ? `, backlog answered ${phase.drainSeconds.toFixed(0)} s after the end` : '')
	);
}

export async function runHttpLoad(server: BenchServer, seriesCount: number, seconds: number): Promise<HttpLoadResults> {
	const phases: LoadPhase[] = [];
	for (const plan of planPhases(seriesCount)) {
		const phase = await runPhase(server, plan, seconds);
		console.log(`  ${phase.name}: ${describePhase(phase)}`);
		phases.push(phase);
	}
	return { connections: loadConnections, seconds, seriesCount, phases };
}
