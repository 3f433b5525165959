/** The end-of-run summary: one table with PostgreSQL and PGlite side by side, and the same as JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { dockerHubCycleTargetSeconds, githubCycleRequestTarget, type CollectorResults } from './collectors.js';
import { sharedTickTargetRatio, type WorkerBenchResults } from './workers.js';
import { formatCompactionLines, type CompactionBenchResults } from './compaction.js';
import { intervals } from '../src/lib/server/metrics/intervals.js';
import { importVsCopyTarget, type LoadResults } from './load.js';
import { formatInt, formatMs, passFail, type LatencyStats, type Throughput } from './measure.js';
import { apiOverBareTarget, apiP95TargetMs, type ReadResults } from './reads.js';
import { bundleTargetGzipBytes, type RouteBundle } from './bundles.js';
import { explorerP95TargetMs, type PageResults } from './pages.js';
import type { ExportResults } from './export.js';
import { formatDownsampling, type DownsamplingResults } from './downsampling.js';
import { alertEvaluationTargetMs, type AlertBenchResults } from './alerts.js';
import { describePhase, meetsTarget, type HttpLoadResults } from './http-load.js';
import { latestGrowthTarget, latestP95TargetMs, type LatestSizeResults, type LatestStep } from './latest-values.js';

export interface EngineResults {
	engine: 'PostgreSQL' | 'PGlite';
	location: string;
	load: LoadResults;
	analyzeSeconds: number;
	reads: ReadResults;
}

export interface BenchResults {
	startedAt: string;
	totalSeconds: number;
	scale: number;
	node: string;
	/** os.loadavg() at the start and end: other work on the machine (tests, builds) skews every figure. */
	loadAverage: { start: number[]; end: number[]; cpus: number };
	postgres: EngineResults;
	pglite: EngineResults;
	downsampling: DownsamplingResults;
	collectors: CollectorResults;
	workers: WorkerBenchResults;
	compaction: CompactionBenchResults;
	pages: PageResults;
	/** Absent when the database holds more series than one export takes (BENCH_SCALE > 3.6). */
	exported?: ExportResults;
	httpLoad: HttpLoadResults;
	latestSizes: LatestSizeResults;
	alerts: AlertBenchResults;
	bundles: RouteBundle[];
}

type Row = [label: string, postgres: string, pglite: string] | 'rule';

const rate = (t: Throughput) => `${formatInt(t.rowsPerSec)} rows/s (${t.seconds.toFixed(1)} s)`;
const p50p95 = (s: LatencyStats) => `${formatMs(s.p50Ms)} / ${formatMs(s.p95Ms)}`;

function loadRows(results: BenchResults): Row[] {
	const both = (cell: (e: EngineResults) => string): [string, string] => [cell(results.postgres), cell(results.pglite)];
	const part = (pick: (b: LoadResults['breakdown']) => Throughput) => (e: EngineResults) =>
		`${rate(pick(e.load.breakdown))} [${e.load.breakdown.seriesCount} series]`;
	return [
		['series x days', ...both((e) => `${formatInt(e.load.seriesCount)} x ${formatInt(e.load.days)}`)],
		['samples', ...both((e) => formatInt(e.load.samples))],
		'rule',
		['COPY text generation alone', ...both((e) => `${formatInt(e.load.copyTextGeneration.rowsPerSec)} rows/s`)],
		['raw COPY into samples', ...both((e) => rate(e.load.copy))],
		['our import path (importSeriesCsv)', ...both((e) =>
			rate(e.load.importPath) + (e.load.importSeriesCount < e.load.seriesCount ? ` [${formatInt(e.load.importSeriesCount)} series]` : ''))],
		[
			`import / COPY (target >= ${importVsCopyTarget}x)`,
			...both((e) => `${e.load.importVsCopy.toFixed(2)}x ${passFail(e.load.importVsCopy >= importVsCopyTarget)}`)
		],
		['  CSV parse alone', ...both(part((b) => b.csvParseOnly))],
		['  upsertSamples direct (no parse)', ...both(part((b) => b.upsertDirect))],
		['  raw COPY into a twin without the FK', ...both(part((b) => b.copyWithoutForeignKey))],
		['  raw COPY, one transaction per file', ...both(part((b) => b.copyPerFile))],
		['  import / per-file COPY', ...both((e) => `${(e.load.importPath.rowsPerSec / e.load.breakdown.copyPerFile.rowsPerSec).toFixed(2)}x`)],
		['VACUUM ANALYZE', ...both((e) => `${e.analyzeSeconds.toFixed(1)} s`)]
	];
}

function readRows(results: BenchResults): Row[] {
	const both = (cell: (e: EngineResults) => string): [string, string] => [cell(results.postgres), cell(results.pglite)];
	const rows: Row[] = [
		'rule',
		['read iterations (after warm-up)', ...both((e) => `${e.reads.iterations} (+${e.reads.warmup})`)]
	];
	for (const interval of intervals) {
		const timing = (e: EngineResults) => e.reads.intervals[interval];
		rows.push(
			[`${interval}: API p50 / p95 ms (p95 <= ${apiP95TargetMs})`, ...both((e) =>
				`${p50p95(timing(e).api)} ${passFail(timing(e).api.p95Ms <= apiP95TargetMs)}`)],
			[`${interval}: bare SQL p50 / p95 ms`, ...both((e) => p50p95(timing(e).bare))],
			[`${interval}: API / bare p95 (<= ${apiOverBareTarget}x)`, ...both((e) =>
				`${timing(e).p95Ratio.toFixed(2)}x ${passFail(timing(e).p95Ratio <= apiOverBareTarget)}`)],
			[`${interval}: points per answer`, ...both((e) => formatInt(timing(e).pointsReturned))]
		);
	}
	rows.push(
		'rule',
		['latest values p50 / p95 ms', ...both((e) => `${p50p95(e.reads.latest)} (${e.reads.latest.iterations} runs)`)],
		['latest values rows', ...both((e) => formatInt(e.reads.latest.rows))]
	);
	return rows;
}

function exportLine(e: ExportResults): string {
	return (
		`CSV export of ${formatInt(e.rows)} rows (${(e.bytes / 1e6).toFixed(0)} MB): ${formatInt(e.export.rowsPerSec)} rows/s ` +
		`vs COPY TO ${formatInt(e.copyTo.rowsPerSec)} rows/s (${e.exportVsCopy.toFixed(2)}x); ` +
		`server RSS ${e.rssBeforeMb.toFixed(0)} MB before, ${e.rssPeakMb.toFixed(0)} MB at peak`
	);
}

function loadLines(load: HttpLoadResults): string[] {
	return [
		`HTTP load, ${load.connections} connections x ${load.seconds} s per endpoint (autocannon in the bench process, ` +
			`same 2 cores), built server on PostgreSQL, ${formatInt(load.seriesCount)} series:`,
		...load.phases.map((phase) => {
			const isMet = meetsTarget(phase);
			const target = phase.target ? ` (target >= ${phase.target.reqPerSec} req/s, p99 <= ${phase.target.p99Ms} ms) ${passFail(isMet === true)}` : '';
			return `  ${phase.name}: ${describePhase(phase)}${target}`;
		})
	];
}

function latestLine(latest: LatestSizeResults): string {
	const [smallest, largest] = [latest.steps[0]!, latest.steps.at(-1)!];
	const steps = (pick: (step: LatestStep) => LatencyStats, server: (step: LatestStep) => number) =>
		latest.steps.map((step) => `${formatInt(step.series)} series ${p50p95(pick(step))} ms (server ${formatMs(server(step))} ms)`).join(', ');
	return (
		`latest values, ${latest.engine}, p50 / p95: a page of 100 targets (listLatestPage, what a page reads past 500 targets): ` +
		`${steps((s) => s.page, (s) => s.pageServerMs)}; at ${formatInt(largest.series)} series (target p95 <= ${latestP95TargetMs} ms) ` +
		`${passFail(largest.page.p95Ms <= latestP95TargetMs)}, ${formatInt(largest.series)} / ${formatInt(smallest.series)} p95 ` +
		`${latest.p95Ratio.toFixed(2)}x (target <= ${latestGrowthTarget}x) ${passFail(latest.p95Ratio <= latestGrowthTarget)}. ` +
		`The whole list (listLatestValues): ${steps((s) => s.app, (s) => s.serverMs)}, ${latest.wholeListP95Ratio.toFixed(1)}x`
	);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function dashboardLines(results: BenchResults): string[] {
	const { explorer, others, seriesCount } = results.pages;
	const timing = (t: PageResults['explorer']) =>
		`HTML p50/p95 ${formatMs(t.html.p50Ms)}/${formatMs(t.html.p95Ms)} ms, data ${formatMs(t.data.p50Ms)}/${formatMs(t.data.p95Ms)} ms`;
	return [
		`explorer, 10 series x 10 years (of ${formatInt(seriesCount)}), PostgreSQL: ${timing(explorer)} ` +
			`(target p95 < ${explorerP95TargetMs} ms) ${passFail(Math.max(explorer.html.p95Ms, explorer.data.p95Ms) < explorerP95TargetMs)}`,
		...others.map((t) => `${t.page}: ${timing(t)}`),
		...results.bundles.map(
			(b) =>
				`JavaScript for ${b.route}: ${kb(b.gzipBytes)} gzip (${kb(b.rawBytes)} raw, ${b.files} files) ` +
				(b.route === '/' || b.route === '/explore' ? `(target <= ${kb(bundleTargetGzipBytes)}) ${passFail(b.gzipBytes <= bundleTargetGzipBytes)}` : '')
		)
	];
}

export function formatSummary(results: BenchResults): string {
	const rows: Row[] = [['', 'PostgreSQL', 'PGlite (in memory)'], 'rule', ...loadRows(results), ...readRows(results)];
	const cells = rows.filter((row): row is Exclude<Row, 'rule'> => row !== 'rule');
	const widths = [0, 1, 2].map((column) => Math.max(...cells.map((row) => row[column]!.length)));
	const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
	const lines = rows.map((row) => (row === 'rule' ? rule : row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')));
	const load = (values: number[]) => values.map((v) => v.toFixed(1)).join(' ');
	const c = results.collectors;
	lines.push(
		rule,
		formatDownsampling(results.downsampling.postgres),
		formatDownsampling(results.downsampling.pglite),
		rule,
		`Docker Hub cycle over ${formatInt(c.images)} images, ${c.latencyMs} ms per request, ${c.concurrency} at once: ` +
			`${c.dockerHubCycleSeconds.toFixed(1)} s, ${formatInt(c.requests)} requests, ${c.status} ` +
			`(target <= ${dockerHubCycleTargetSeconds} s) ${passFail(c.dockerHubCycleSeconds <= dockerHubCycleTargetSeconds)}`,
		`GitHub hourly cycle over ${formatInt(c.github.repositories)} repositories, ${c.github.batchSize} a query: ` +
			`${c.github.requests} requests, ${c.github.status} (target <= ${githubCycleRequestTarget}) ${passFail(c.github.requests <= githubCycleRequestTarget)}`,
		`Docker Hub tick over ${formatInt(results.workers.images)} images shared by worker processes: one ${results.workers.oneWorkerSeconds.toFixed(1)} s, ` +
			`two ${results.workers.twoWorkersSeconds.toFixed(1)} s, ${results.workers.ratio.toFixed(2)}x ` +
			`(target <= ${sharedTickTargetRatio}) ${passFail(results.workers.ratio <= sharedTickTargetRatio)}; ` +
			`a fresh process's first tick ${results.workers.firstTick.oneWorkerSeconds.toFixed(1)} / ${results.workers.firstTick.twoWorkersSeconds.toFixed(1)} s, ${results.workers.firstTick.ratio.toFixed(2)}x`,
		...formatCompactionLines(results.compaction),
		rule,
		...dashboardLines(results),
		results.exported ? exportLine(results.exported) : 'CSV export of every sample: skipped (more series than one export takes)',
		...loadLines(results.httpLoad),
		latestLine(results.latestSizes),
		`alert evaluation, ${formatInt(results.alerts.rules)} rules (${formatInt(results.alerts.alerts)} alerts): p50/p95 ` +
			`${formatMs(results.alerts.evaluation.p50Ms)}/${formatMs(results.alerts.evaluation.p95Ms)} ms ` +
			`(target < ${formatInt(alertEvaluationTargetMs)} ms) ${passFail(results.alerts.evaluation.p95Ms < alertEvaluationTargetMs)}`,
		rule,
		`whole run: ${results.totalSeconds.toFixed(0)} s (${(results.totalSeconds / 60).toFixed(1)} min); ` +
			`load average ${load(results.loadAverage.start)} at start, ${load(results.loadAverage.end)} at end ` +
			`on ${results.loadAverage.cpus} CPUs`
	);
	return lines.join('\n');
}

export function writeResultsJson(path: string, results: BenchResults): void {
	mkdirSync(dirname(path), { recursive: true });
	writeFileSync(path, JSON.stringify(results, null, '\t') + '\n');
}
