import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../src/lib/server/db/client.js';
import { applyMigrations } from '../../src/lib/server/db/migrate.js';
import { openStore } from '../../src/lib/server/store.js';
import { getFreePort, spawnNode, waitForHealthy } from '../../harness/processes.js';
import { createPostgresDatabase, type TestBackend } from './databases.js';
import { copyPgliteTemplate } from './pglite-template.js';

export { getFreePort, spawnNode, type SpawnedProcess } from '../../harness/processes.js';

/**
 * Runs the built server (`build/index.js`, what `npm start` serves) as a child process on a free port,
 * with its own database: a fresh PGlite folder, or a fresh PostgreSQL database.
 */

export interface TestServer {
	url: string;
	pid: number;
	/** The store's variables (DATABASE_URL or DATA_DIR), e.g. to look at the database beside the server. */
	storeEnv: Record<string, string>;
	output: () => string;
	stop(): Promise<void>;
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
	await copyPgliteTemplate(dataDir);
	return { env: { DATA_DIR: dataDir }, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** Runs a TypeScript entry point the way `npm run` does (through tsx), and collects what it prints. */
export async function runScript(script: string, args: string[], env: Record<string, string>) {
	const run = spawnNode(['--import', 'tsx', script, ...args], env);
	return { code: await run.closed, output: run.output(), stdout: run.stdout(), stderr: run.stderr() };
}

/**
 * Runs a command that must refuse its arguments or configuration before it opens any store: it is
 * pointed at an embedded store folder that does not exist, which must still not exist afterwards.
 * Such a refusal is the same on every backend, so it is tested once.
 */
export async function runScriptExpectingRefusal(script: string, args: string[], env: Record<string, string> = {}) {
	const parent = mkdtempSync(join(tmpdir(), 'dockpulse-refusal-'));
	const dataDir = join(parent, 'never-opened');
	try {
		const run = await runScript(script, args, { ...env, DATA_DIR: dataDir });
		return { ...run, isStoreUntouched: !existsSync(dataDir) };
	} finally {
		rmSync(parent, { recursive: true, force: true });
	}
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
		// Opened as every process opens it (openStore), so that the server finds it set up: the counter
		// flags marker written, which spares the server a recount of every seeded sample at start.
		// Closed before the server starts: the embedded store admits one process at a time. Seeding is
		// set-up, not the system under test: a short STATEMENT_TIMEOUT_MS meant for the server must not
		// cancel a large seed on a busy machine.
		const { database } = await openStore({ ...store.env, DEFAULT_WATCHLIST: 'false', ...extraEnv, STATEMENT_TIMEOUT_MS: '0' });
		try {
			await options.seed(database);
		} finally {
			await database.close();
		}
	}
	const port = await getFreePort();
	const server = spawnNode(['build/index.js'], { ...store.env, HOST: '127.0.0.1', PORT: String(port), ...extraEnv });
	const url = `http://127.0.0.1:${port}`;
	await waitForHealthy(url, server);
	return {
		url,
		pid: server.child.pid!,
		storeEnv: store.env,
		output: server.output,
		async stop() {
			server.child.kill('SIGTERM');
			await server.closed;
			if (!options.keepStore) await store.cleanup();
		}
	};
}
