import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { createStoreEnv, getFreePort, runScript, runScriptExpectingRefusal, runServerExpectingExit, spawnNode, startServer } from '../helpers/server.js';

// A test here runs the CLIs as `npm run` does: a tsx process each, opening the store (a PGlite store
// takes seconds of CPU to open). Three in a row passed a minute on 2 busy cores, so these tests get three.
vi.setConfig({ testTimeout: 180_000 });

const goodCsv = join(tmpdir(), `dockpulse-cli-good-${process.pid}.csv`);
const badCsv = join(tmpdir(), `dockpulse-cli-bad-${process.pid}.csv`);
writeFileSync(goodCsv, 'ts,value\n2024-01-01,100\n2024-02-01,150\n2024-03-01,240\n');
writeFileSync(badCsv, 'ts,value\n2024-01-01,100\n2024-02-31,150\n2024-03-01,many\n');

describe.each(testBackends)('command line on $name', (backend) => {
	let store: Awaited<ReturnType<typeof createStoreEnv>>;
	beforeAll(async () => {
		store = await createStoreEnv(backend.name);
	});
	afterAll(() => store.cleanup());

	it('npm run migrate applies the migrations', async () => {
		const { code, output } = await runScript('scripts/migrate.ts', [], store.env);
		expect(output).toMatch(/(\d+) of \1 migrations applied/);
		expect(code).toBe(0);
	});

	it('npm run import writes a good file, and again changes nothing', async () => {
		const first = await runScript('scripts/import.ts', [goodCsv, '--series', 'github:cli/check:stars'], store.env);
		expect(first.output).toContain('github:cli/check:stars: 3 rows, 3 new, 0 changed, 0 unchanged');
		expect(first.output).toContain('alerts: 0 changed, 0 notification(s) sent');
		expect(first.code).toBe(0);
		const again = await runScript('scripts/import.ts', [goodCsv, '--series', 'github:cli/check:stars'], store.env);
		expect(again.output).toContain('3 rows, 0 new, 0 changed, 3 unchanged');
	});

	it('npm run import refuses a bad file with line numbers and exit code 1', async () => {
		const { code, output } = await runScript('scripts/import.ts', [badCsv, '--series', 'github:cli/check:stars'], store.env);
		expect(code).toBe(1);
		expect(output).toContain('nothing imported into github:cli/check:stars');
		expect(output).toContain('line 3: "2024-02-31" is not an ISO date');
		expect(output).toContain('line 4: "many" is not a number');
	});

	it('npm run import reads stdin with -, and refuses a file past IMPORT_MAX_ROWS by line, writing nothing', async () => {
		const piped = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', '-', '--series', 'github:cli/stdin:stars'], {
			env: { ...process.env, DATABASE_URL: '', DEFAULT_WATCHLIST: 'false', CATCH_UP_ON_START: 'false', ...store.env },
			stdio: ['pipe', 'pipe', 'pipe']
		});
		let output = '';
		piped.stdout.on('data', (d) => (output += d));
		piped.stderr.on('data', (d) => (output += d));
		piped.stdin.end('ts,value\n2024-01-01,7\n2024-01-02,9\n');
		const [code] = (await once(piped, 'close')) as [number];
		expect(output).toContain('github:cli/stdin:stars: 2 rows, 2 new');
		expect(code).toBe(0);

		const capped = await runScript('scripts/import.ts', [goodCsv, '--series', 'github:cli/capped:stars'], { ...store.env, IMPORT_MAX_ROWS: '2' });
		expect(capped.code).toBe(1);
		expect(capped.output).toContain('line 4: more than 2 rows, the most one import takes (IMPORT_MAX_ROWS)');
		const exported = await runScript('scripts/export.ts', ['series=github:cli/capped:stars'], store.env);
		expect(exported.output).toContain('unknown series: github:cli/capped:stars');
	});
});

describe('npm run import refusing its input', () => {
	it('explains its usage, before it opens the store', async () => {
		const refused = await runScriptExpectingRefusal('scripts/import.ts', [goodCsv]);
		expect(refused).toMatchObject({ code: 2, isStoreUntouched: true });
		expect(refused.output).toContain('usage: npm run import -- <file.csv | -> --series');
	});
});

describe.each(testBackends)('the worker on $name', (backend) => {
	it('starts the schedules without a web server and stops cleanly on SIGTERM', async () => {
		const store = await createStoreEnv(backend.name);
		try {
			const worker = spawnNode(['--import', 'tsx', 'jobs/worker.ts'], store.env);
			await new Promise<void>((resolve) =>
				worker.child.stdout!.on('data', () => worker.output().includes('scheduled job(s)') && resolve())
			);
			worker.child.kill('SIGTERM');
			expect(await worker.closed).toBe(0);
			expect(worker.output()).toContain('worker: SIGTERM, stopping');
		} finally {
			await store.cleanup();
		}
	}, processTestTimeoutMs);
});

// These tests start several real processes one after another (a server, CLIs, a second server, a
// restart), each opening the store: seconds each alone, much longer on a loaded 2-core machine.
const processTestTimeoutMs = 180_000;

describe('the embedded store in two processes', () => {
	it('refuses a second process while the server holds the store, and keeps the data across a restart', async () => {
		const server = await startServer('pglite', {}, { keepStore: true });
		const dataDir = /database pglite \(([^)]+)\/pglite\)/.exec(server.output())?.[1];
		try {
			expect(dataDir).toBeTruthy();
			const imported = await fetch(`${server.url}/api/import?series=github:cli/lock:stars`, {
				method: 'POST',
				headers: { 'content-type': 'text/csv' },
				body: 'ts,value\n2023-12-01,7\n'
			});
			expect(imported.status).toBe(201);
			const { code, output } = await runScript('scripts/import.ts', [goodCsv, '--series', 'github:cli/lock:stars'], {
				DATA_DIR: dataDir!
			});
			expect(code).toBe(1);
			expect(output).toContain('is in use by process');
			expect(output).toContain('POST /api/import');
			const secondServer = await runServerExpectingExit({ DATA_DIR: dataDir!, PORT: String(await getFreePort()) });
			expect(secondServer.code).toBe(1);
			expect(secondServer.output).toContain('Dockpulse could not start: The embedded database');
		} finally {
			await server.stop();
		}
		// The stopped server released the store; what it wrote is still there.
		const after = await runScript('scripts/import.ts', [goodCsv, '--series', 'github:cli/lock:stars'], { DATA_DIR: dataDir! });
		expect(after.output).toContain('3 rows, 3 new, 0 changed, 0 unchanged');
		const restarted = await startServer('pglite', { DATA_DIR: dataDir! });
		try {
			const response = await fetch(`${restarted.url}/api/series?series=github:cli/lock:stars`);
			const body = (await response.json()) as { series: { points: [string, number][] }[] };
			expect(body.series[0]!.points.map(([, v]) => v)).toEqual([7, 100, 150, 240]);
		} finally {
			await restarted.stop();
			rmSync(dataDir!, { recursive: true, force: true });
		}
	}, processTestTimeoutMs);
});
