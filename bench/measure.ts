/** Timing and formatting helpers shared by the load and read benchmarks. */

export interface Throughput {
	rows: number;
	seconds: number;
	rowsPerSec: number;
}

export interface LatencyStats {
	iterations: number;
	p50Ms: number;
	p95Ms: number;
	maxMs: number;
}

export function throughputOf(rows: number, elapsedMs: number): Throughput {
	return { rows, seconds: elapsedMs / 1000, rowsPerSec: rows / (elapsedMs / 1000) };
}

/** Throughput of work that started at `startedAt` (a performance.now() reading) and just ended. */
export function throughput(rows: number, startedAt: number): Throughput {
	return throughputOf(rows, performance.now() - startedAt);
}

/** Nearest-rank percentile: with 200 samples p95 is the 190th value, an actually observed latency. */
export function percentile(sortedMs: readonly number[], p: number): number {
	if (sortedMs.length === 0) return Number.NaN;
	const rank = Math.ceil((p / 100) * sortedMs.length);
	return sortedMs[Math.min(sortedMs.length, Math.max(1, rank)) - 1]!;
}

export function latencyStats(durationsMs: readonly number[]): LatencyStats {
	const sorted = [...durationsMs].sort((a, b) => a - b);
	return {
		iterations: sorted.length,
		p50Ms: percentile(sorted, 50),
		p95Ms: percentile(sorted, 95),
		maxMs: sorted.at(-1) ?? Number.NaN
	};
}

/** Runs `work` and returns how long it took in milliseconds. */
export async function timeOnce(work: () => Promise<unknown>): Promise<number> {
	const startedAt = performance.now();
	await work();
	return performance.now() - startedAt;
}

const barWidth = 20;
// How often a terminal's bar is redrawn, and how often a log (not a terminal) gets a line at the least.
const redrawMs = 250;
const logEveryMs = 30_000;

function formatDuration(seconds: number): string {
	if (!Number.isFinite(seconds)) return '?';
	if (seconds < 60) return `${seconds.toFixed(0)} s`;
	if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ${Math.floor(seconds % 60)} s`;
	return `${Math.floor(seconds / 3_600)} h ${Math.round((seconds % 3_600) / 60)} min`;
}

/**
 * A progress bar with the rate and an ETA, so that a human watching a run of minutes (or, at
 * BENCH_SCALE=36, hours) can tell a slow phase from a stuck one. On a terminal it redraws one line;
 * in a log it writes a line at each tenth of the work and at least every 30 s.
 */
export function progressReporter(label: string, totalSeries: number, rowsPerSeries: number, unit = 'rows') {
	const startedAt = performance.now();
	const isTerminal = process.stdout.isTTY === true;
	let nextTenth = 1;
	let lastShownMs = startedAt;
	return (doneSeries: number) => {
		const now = performance.now();
		const isDone = doneSeries >= totalSeries;
		const isTenth = doneSeries * 10 >= nextTenth * totalSeries;
		const isDue = now - lastShownMs >= (isTerminal ? redrawMs : logEveryMs);
		if (!isDone && !isTenth && !isDue) return;
		while (nextTenth * totalSeries <= doneSeries * 10) nextTenth++;
		lastShownMs = now;
		const fraction = doneSeries / totalSeries;
		const seconds = (now - startedAt) / 1000;
		const rate = `${formatInt((doneSeries * rowsPerSeries) / seconds)} ${unit}/s`;
		const rows = rowsPerSeries === 1 ? '' : `, ${formatInt(doneSeries * rowsPerSeries)} ${unit}`;
		const filled = Math.round(fraction * barWidth);
		const line =
			`  ${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${Math.floor(fraction * 100)}% ` +
			`${formatInt(doneSeries)}/${formatInt(totalSeries)} series${rows}, ${rate}, ${formatDuration(seconds)}` +
			(isDone ? '' : `, ETA ${formatDuration((seconds / doneSeries) * (totalSeries - doneSeries))}`);
		if (isTerminal) process.stdout.write(`\r${line}\x1b[K${isDone ? '\n' : ''}`);
		else console.log(line);
	};
}

export function formatInt(n: number): string {
	return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

export function formatMs(ms: number): string {
	if (!Number.isFinite(ms)) return 'n/a';
	return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

export function passFail(ok: boolean): string {
	return ok ? 'PASS' : 'FAIL';
}
