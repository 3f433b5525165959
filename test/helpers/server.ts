import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../src/lib/server/db/client.js';
import { applyMigrations } from '../../src/lib/server/db/migrate.js';
import { createPostgresDatabase, type TestBackend } from './databases.js';

/**
 * Runs the built server (`build/index.js`, what `npm start` serves) as a child process on a free port,
 * with its own database: a fresh PGlite folder, or a fresh PostgreSQL database.
 */

export interface TestServer {
	url: string;
	pid: number;
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

export interface SpawnedProcess {
	child: ChildProcess;
	output(): string;
	/** The exit code, once the process has ended and its output has been read to the end. */
	closed: Promise<number | null>;
}

/** Starts a Node process with extra environment, collecting stdout and stderr together. */
export function spawnNode(args: string[], env: Record<string, string>): SpawnedProcess {
	const child = spawn(process.execPath, args, {
		// Tests start from an empty target list unless they ask for the default watchlist.
		// Nor do they catch up on missed runs at start (which would collect at once) unless they ask.
		env: { ...process.env, DATABASE_URL: '', DEFAULT_WATCHLIST: 'false', CATCH_UP_ON_START: 'false', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	// 'close', not 'exit': 'exit' can come before the last output has been read.
	const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
	return { child, output: () => output, closed };
}

/** Runs a TypeScript entry point the way `npm run` does (through tsx), and collects what it prints. */
export async function runScript(script: string, args: string[], env: Record<string, string>) {
	const run = spawnNode(['--import', 'tsx', script, ...args], env);
	return { code: await run.closed, output: run.output() };
}

/** Opens (and migrates) the store an environment from createStoreEnv points at, e.g. to seed it. */
export async function openStoreEnvDatabase(env: Record<string, string>): Promise<Database> {
	const database = await openDatabase(
		env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: env.DATA_DIR! }
	);
	await applyMigrations(database);
	return database;
}

/** Runs the server entry until it exits; for start-up refusals. */
export async function runServerExpectingExit(env: Record<string, string>) {
	const started = spawnNode(['scripts/start.js'], env);
	return { code: await started.closed, output: started.output() };
}

export interface StartOptions {
	keepStore?: boolean;
	/** Writes known data into the migrated store before the server opens it. */
	seed?: (database: Database) => Promise<void>;
}

export async function startServer(
	backend: TestBackend['name'],
	extraEnv: Record<string, string> = {},
	options: StartOptions = {}
): Promise<TestServer> {
	if (!existsSync('build/index.js')) throw new Error('build/index.js is missing: run `npm test` (it builds first)');
	const store = await createStoreEnv(backend);
	if (options.seed) {
		// Closed before the server starts: the embedded store admits one process at a time.
		const database = await openStoreEnvDatabase(store.env);
		try {
			await options.seed(database);
		} finally {
			await database.close();
		}
	}
	const port = await getFreePort();
	const server = spawnNode(['build/index.js'], { ...store.env, HOST: '127.0.0.1', PORT: String(port), ...extraEnv });
	const { child, output } = server;
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
		const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
		if (ok) break;
		if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output()}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url,
		pid: child.pid!,
		output,
		async stop() {
			child.kill('SIGTERM');
			await server.closed;
			if (!options.keepStore) await store.cleanup();
		}
	};
}
