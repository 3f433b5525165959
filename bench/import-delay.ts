/**
 * `npx tsx bench/import-delay.ts` (after `npm run build`): how long the server stops answering while it
 * imports a 64 MB CSV (1,000,000 rows, IMPORT_MAX_ROWS's default). A probe asks for a static file every
 * 20 ms during the import (no database: PGlite's one connection is the import's until it commits, which
 * is no event-loop stall); its slowest answers are the event loop's stalls as a caller sees them. Runs on a
 * fresh PGlite folder and, when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, on a fresh PostgreSQL
 * database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { getFreePort, spawnNode, waitForHealthy } from '../harness/processes.js';

const rows = 1_000_000;

/** 1M lines of 64 bytes: a timestamp to the millisecond and a long decimal value. */
function buildCsv(): string {
	const start = Date.UTC(1990, 0, 1);
	const lines = ['ts,value'];
	for (let i = 0; i < rows; i++) lines.push(`${new Date(start + i * 60_000).toISOString()},${String(1e10 + i).padEnd(24, '0')}.12345678`);
	return `${lines.join('\n')}\n`;
}

async function probe(url: string, isDone: () => boolean): Promise<number[]> {
	const latencies: number[] = [];
	while (!isDone()) {
		const startedAt = performance.now();
		await fetch(`${url}/_app/version.json`).then((r) => r.arrayBuffer(), () => undefined);
		latencies.push(performance.now() - startedAt);
		await new Promise((r) => setTimeout(r, 20));
	}
	return latencies.sort((a, b) => a - b);
}

async function measure(label: string, storeEnv: Record<string, string>, csv: string): Promise<void> {
	const port = await getFreePort();
	const server = spawnNode(['build/index.js'], { ...storeEnv, HOST: '127.0.0.1', PORT: String(port), RUN_SCHEDULES: 'false', BODY_SIZE_LIMIT: 'Infinity' });
	const url = `http://127.0.0.1:${port}`;
	try {
		await waitForHealthy(url, server);
		let isDone = false;
		const startedAt = performance.now();
		const importing = fetch(`${url}/api/import?series=github:bench/import-delay:stars`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv })
			.then(async (r) => `${r.status} ${(await r.text()).slice(0, 120)}`, (error: Error) => `failed: ${error.message}\n${server.output().slice(-2000)}`)
			.finally(() => (isDone = true));
		const latencies = await probe(url, () => isDone);
		const answer = await importing;
		const seconds = (performance.now() - startedAt) / 1000;
		const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(0);
		console.log(
			`${label}: ${(csv.length / 1024 ** 2).toFixed(0)} MB, ${rows} rows imported in ${seconds.toFixed(1)} s (${answer}); ` +
				`a static file (/_app/version.json) during it: ${latencies.length} probes, median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`
		);
	} finally {
		server.child.kill('SIGTERM');
		await server.closed;
	}
}

const csv = buildCsv();
const dataDir = mkdtempSync(join(tmpdir(), 'dockpulse-import-delay-'));
try {
	await measure('PGlite', { DATA_DIR: dataDir }, csv);
} finally {
	rmSync(dataDir, { recursive: true, force: true });
}
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (adminUrl) {
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	const name = 'dockpulse_bench_import_delay';
	await admin.query(`drop database if exists ${name} with (force)`);
	await admin.query(`create database ${name}`);
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	try {
		await measure('PostgreSQL', { DATABASE_URL: url.toString() }, csv);
	} finally {
		await admin.query(`drop database if exists ${name} with (force)`);
		await admin.end();
	}
}
