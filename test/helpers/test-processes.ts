import { afterEach } from 'vitest';
import { getFreePort, spawnNode, waitForHealthy, type SpawnedProcess } from '../../harness/processes.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { createStoreEnv, openStoreEnvDatabase } from './server.js';

/**
 * What tests that start processes share: stores and processes that are cleaned up after each test
 * whatever happened (a process still running is killed), the built server on a free port, and a look
 * into a store between two processes.
 */

export type StoreEnv = Awaited<ReturnType<typeof createStoreEnv>>;

export function useTestProcesses() {
	const cleanups: (() => Promise<unknown> | unknown)[] = [];
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	});
	return {
		async newStore(backend: 'pglite' | 'postgres'): Promise<StoreEnv> {
			const store = await createStoreEnv(backend);
			cleanups.push(() => store.cleanup());
			return store;
		},
		/** A process that is killed at the end of the test if it is still running. */
		track(process: SpawnedProcess): SpawnedProcess {
			cleanups.push(async () => {
				if (process.child.exitCode === null && process.child.signalCode === null) {
					process.child.kill('SIGKILL');
					await process.closed;
				}
			});
			return process;
		},
		/** Runs at the end of the test. */
		defer(cleanup: () => Promise<unknown> | unknown) {
			cleanups.push(cleanup);
		}
	};
}

/** `node build` (what `npm start` serves) on a free loopback port, once it answers /healthz. */
export async function startBuiltServer(env: Record<string, string>, track: (process: SpawnedProcess) => SpawnedProcess) {
	const port = await getFreePort();
	const url = `http://127.0.0.1:${port}`;
	const server = track(spawnNode(['build/index.js'], { HOST: '127.0.0.1', PORT: String(port), ...env }));
	await waitForHealthy(url, server);
	return { server, url };
}

/**
 * Opens the store as the tests see it, without the start-up repair (openStore's): what a crashed
 * process left is read as it was left. On the embedded store this takes over the dead process's lock.
 */
export async function withStore<T>(store: StoreEnv, work: (database: Database) => Promise<T>): Promise<T> {
	const database = await openStoreEnvDatabase(store.env);
	try {
		return await work(database);
	} finally {
		await database.close();
	}
}
