import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, type TestBackend } from './databases.js';

/**
 * Runs the built server (`build/index.js`, what `npm start` serves) as a child process on a free port,
 * with its own database: a fresh PGlite folder, or a fresh PostgreSQL database.
 */

export interface TestServer {
	url: string;
	output: () => string;
	stop(): Promise<void>;
}

export async function getFreePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** Environment for a fresh store on the given backend, and a cleanup that removes it. */
export async function createStoreEnv(
	backend: TestBackend['name']
): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
	if (backend === 'postgres') {
		const created = await createPostgresDatabase();
		return { env: { DATABASE_URL: created.url }, cleanup: created.drop };
	}
	const dataDir = mkdtempSync(join(tmpdir(), 'dockpulse-test-'));
	return { env: { DATA_DIR: dataDir }, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

function waitForExit(child: ChildProcess): Promise<number | null> {
	if (child.exitCode !== null) return Promise.resolve(child.exitCode);
	return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Runs the server entry until it exits; for start-up refusals. */
export async function runServerExpectingExit(env: Record<string, string>) {
	const child = spawn(process.execPath, ['scripts/start.js'], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const code = await waitForExit(child);
	return { code, output };
}

export async function startServer(backend: TestBackend['name'], extraEnv: Record<string, string> = {}): Promise<TestServer> {
	if (!existsSync('build/index.js')) throw new Error('build/index.js is missing: run `npm test` (it builds first)');
	const store = await createStoreEnv(backend);
	const port = await getFreePort();
	const child = spawn(process.execPath, ['build/index.js'], {
		env: { ...process.env, DATABASE_URL: '', ...store.env, HOST: '127.0.0.1', PORT: String(port), ...extraEnv },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
		const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
		if (ok) break;
		if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url,
		output: () => output,
		async stop() {
			child.kill('SIGTERM');
			await waitForExit(child);
			await store.cleanup();
		}
	};
}
