import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { createStoreEnv, startServer } from '../helpers/server.js';

/** Runs a TypeScript entry point the way `npm run` does, and collects what it prints. */
function runScript(script: string, args: string[], env: Record<string, string>) {
	return new Promise<{ code: number | null; output: string }>((resolve) => {
		const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
			env: { ...process.env, DATABASE_URL: '', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		child.once('exit', (code) => resolve({ code, output }));
	});
}

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
		expect(output).toMatch(/1 of 1 migrations applied/);
		expect(code).toBe(0);
	});

	it('npm run import writes a good file, and again changes nothing', async () => {
		const first = await runScript('scripts/import.ts', [goodCsv, '--series', 'github:cli/check:stars'], store.env);
		expect(first.output).toContain('github:cli/check:stars: 3 rows, 3 new, 0 changed, 0 unchanged');
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

	it('npm run import explains its usage', async () => {
		const { code, output } = await runScript('scripts/import.ts', [goodCsv], store.env);
		expect(code).toBe(2);
		expect(output).toContain('usage: npm run import -- <file.csv> --series');
	});
});

describe('the embedded store in two processes', () => {
	it('refuses the second process with a clear message while the server holds the store', async () => {
		const server = await startServer('pglite');
		try {
			const dataDir = /DATA_DIR|database pglite \(([^)]+)\/pglite\)/.exec(server.output())?.[1];
			expect(dataDir).toBeTruthy();
			const { code, output } = await runScript('scripts/import.ts', [goodCsv, '--series', 'github:cli/lock:stars'], {
				DATA_DIR: dataDir!
			});
			expect(code).toBe(1);
			expect(output).toContain('is in use by process');
			expect(output).toContain('POST /api/import');
		} finally {
			await server.stop();
		}
	});
});
