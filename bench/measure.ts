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

/**
 * Prints a line each time another tenth of the work is done, so that a human watching a run of
 * several minutes sees it move and can tell a slow phase from a stuck one.
 */
export function progressReporter(label: string, totalSeries: number, rowsPerSeries: number) {
	const startedAt = performance.now();
	let nextTenth = 1;
	return (doneSeries: number) => {
		if (doneSeries * 10 < nextTenth * totalSeries && doneSeries !== totalSeries) return;
		while (nextTenth * totalSeries <= doneSeries * 10) nextTenth++;
		const rows = doneSeries * rowsPerSeries;
		const seconds = (performance.now() - startedAt) / 1000;
		console.log(
			`  ${label}: ${Math.round((doneSeries / totalSeries) * 100)}% ` +
				`(${formatInt(doneSeries)}/${formatInt(totalSeries)} series, ${formatInt(rows)} rows, ` +
				`${seconds.toFixed(1)} s, ${formatInt(rows / seconds)} rows/s)`
		);
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
