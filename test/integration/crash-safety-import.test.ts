import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { useTestProcesses, startBuiltServer, withStore, type StoreEnv } from '../helpers/test-processes.js';
import { testBackends } from '../helpers/databases.js';
import { signalAndWait, spawnTsx, waitForOutput } from '../helpers/process-control.js';

/**
 * kill -9 in the middle of an import, with real processes (`npm run import` and POST /api/import on
 * `node build`), on the embedded store in a folder (as `npm start` keeps it) and on PostgreSQL. The
 * kill is sent once the process has said that part of the file is written (the import's progress,
 * inside its transaction), so it lands while the write is under way; the series then holds none of
 * the file's rows or all of them, never part, and the next start opens the store at once and imports
 * the file whole.
 */

// The command prints its progress for any file; the server logs it from 100,000 samples on.
const cliRows = 60_000;
const httpRows = 100_000;
// Each test starts three or four processes that open the store (seconds each, more on a loaded machine).
const processTimeoutMs = 240_000;

/** A ts,value file of `rowCount` rows, one sample a minute from 2001 on (about 23 bytes a row). */
function writeLargeCsv(folder: string, rowCount: number): { path: string; text: string } {
	const start = Date.parse('2001-01-01T00:00:00Z');
	const lines = ['ts,value'];
	for (let i = 0; i < rowCount; i++) lines.push(`${new Date(start + i * 60_000).toISOString()},${i}`);
	const text = `${lines.join('\n')}\n`;
	const path = join(folder, 'large.csv');
	writeFileSync(path, text);
	return { path, text };
}

async function countSamples(database: Database, key: string): Promise<number> {
	const [row] = await queryRows<{ n: number }>(
		database.db,
		sql`select count(*)::int as n from samples s join series se on se.id = s.series_id join targets t on t.id = se.target_id
			where t.source = 'github' and t.key = ${key} and se.metric = 'stars'`
	);
	return row!.n;
}

/** The folder the test's files go in: the embedded store's own folder, or a new one beside the PostgreSQL database. */
function fileFolderOf(store: StoreEnv, defer: (cleanup: () => void) => void): string {
	if (store.env.DATA_DIR) return store.env.DATA_DIR;
	const folder = mkdtempSync(join(tmpdir(), 'dockpulse-crash-'));
	defer(() => rmSync(folder, { recursive: true, force: true }));
	return folder;
}

describe.each(testBackends)('kill -9 during an import on $name', (backend) => {
	const { newStore, track, defer } = useTestProcesses();

	it('npm run import: the series has none of the file or all of it, and the next import writes it whole', async () => {
		const store = await newStore(backend.name);
		const rowCount = cliRows;
		const csv = writeLargeCsv(fileFolderOf(store, defer), rowCount);
		const args = [csv.path, '--series', 'github:crash/cli:stars'];
		const first = track(spawnTsx('scripts/import.ts', args, store.env));
		await waitForOutput(first, 'samples written', 120_000);
		expect((await signalAndWait(first, 'SIGKILL')).code).toBeNull();
		// The summary is printed only after the commit.
		const hasCommitted = first.output().includes(`${rowCount} rows`);
		const afterKill = await withStore(store, (database) => countSamples(database, 'crash/cli'));
		expect(afterKill, first.output()).toBe(hasCommitted ? rowCount : 0);

		const second = track(spawnTsx('scripts/import.ts', args, store.env));
		expect(await second.closed, second.output()).toBe(0);
		expect(second.output()).toContain(`github:crash/cli:stars: ${rowCount} rows, ${hasCommitted ? 0 : rowCount} new`);
		expect(await withStore(store, (database) => countSamples(database, 'crash/cli'))).toBe(rowCount);
	}, processTimeoutMs);

	it('POST /api/import on the built server: none or all, and the restarted server imports the file whole', async () => {
		const store = await newStore(backend.name);
		const rowCount = httpRows;
		const { text } = writeLargeCsv(fileFolderOf(store, defer), rowCount);
		const env = { ...store.env, BODY_SIZE_LIMIT: '64M' };
		const post = (url: string) =>
			fetch(`${url}/api/import?series=github:crash/http:stars`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: text });

		const first = await startBuiltServer(env, track);
		const answer = post(first.url).then((response) => response.status, (error: Error) => error);
		await waitForOutput(first.server, 'samples written', 120_000);
		expect((await signalAndWait(first.server, 'SIGKILL')).code).toBeNull();
		const status = await answer;
		const afterKill = await withStore(store, (database) => countSamples(database, 'crash/http'));
		// An answer came only if the import had committed before the kill.
		expect(afterKill, first.server.output()).toBe(status === 201 ? rowCount : 0);

		const second = await startBuiltServer(env, track);
		const response = await post(second.url);
		expect(response.status).toBe(status === 201 ? 200 : 201);
		expect(await response.json()).toMatchObject({ rows: rowCount, inserted: status === 201 ? 0 : rowCount });
		expect((await signalAndWait(second.server, 'SIGTERM')).code).toBe(0);
		expect(await withStore(store, (database) => countSamples(database, 'crash/http'))).toBe(rowCount);
	}, processTimeoutMs);
});
