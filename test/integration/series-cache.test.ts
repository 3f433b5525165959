import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataVersion } from '../../src/lib/server/db/queries/data-version.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

const token = 'c'.repeat(24);

/**
 * PostgreSQL's snapshot is the whole server's: a commit in another database (other test files share
 * the server) moves the data version too, which costs a cache miss and nothing else. So a check that
 * needs "nothing written in between" is tried again until a quiet moment gives it; a version or cache
 * that never holds still fails once the tries are spent.
 */
async function retryUntilQuiet<T>(attempt: () => Promise<T | undefined>, tries = 20): Promise<T> {
	for (let i = 0; i < tries; i++) {
		const result = await attempt();
		if (result !== undefined) return result;
	}
	throw new Error(`no quiet moment in ${tries} tries: the data version moved every time`);
}

describe.each(testBackends)('the data version on $name', (backend) => {
	let database: Database;
	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());

	it('stays while nothing is written, and moves with every committed write', async () => {
		const before = await retryUntilQuiet(async () => {
			const version = await readDataVersion(database.db);
			return (await readDataVersion(database.db)) === version ? version : undefined;
		});
		await seedSeries(database.db, 'version/one', 'stars', [['2026-01-01T00:00:00Z', 1]]);
		const after = await readDataVersion(database.db);
		expect(after).not.toBe(before);
	});
});

describe.each(testBackends)('cached /api/series answers on $name', (backend) => {
	let server: TestServer;
	const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });
	const importCsv = (csv: string) =>
		fetch(`${server.url}/api/import?series=github:cache/repo:stars`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: csv });
	const path = '/api/series?series=github:cache/repo:stars&interval=day';

	beforeAll(async () => {
		server = await startServer(backend.name, { ADMIN_TOKEN: token, RUN_SCHEDULES: 'false' });
		expect((await importCsv('ts,value\n2026-01-01,100\n2026-01-02,120\n')).status).toBe(201);
	});
	afterAll(() => server?.stop());

	it('answers the same query from the cache, and 304 to its ETag, until a write changes the data', async () => {
		const first = await get(path);
		expect([first.status, first.headers.get('x-dockpulse-cache'), first.headers.get('cache-control')]).toEqual([200, 'miss', 'no-cache']);
		const body = await first.json();
		// Asked again with nothing written in between: the same answer from the cache, then a 304.
		const etag = await retryUntilQuiet(async () => {
			const asked = await get(path);
			const again = await get(path);
			const etagOfAgain = again.headers.get('etag')!;
			expect(await again.json()).toEqual(body);
			if (again.headers.get('x-dockpulse-cache') !== 'hit' || etagOfAgain !== asked.headers.get('etag')) return undefined;
			const unchanged = await get(path, { 'if-none-match': etagOfAgain });
			if (unchanged.status !== 304) return undefined;
			expect(await unchanged.text()).toBe('');
			return etagOfAgain;
		});

		expect((await importCsv('ts,value\n2026-01-03,150\n')).status).toBe(201);
		const changed = await get(path, { 'if-none-match': etag });
		expect(changed.status).toBe(200);
		expect(changed.headers.get('etag')).not.toBe(etag);
		expect((await changed.json()).series[0].points.at(-1)).toEqual(['2026-01-03T00:00:00.000Z', 150]);
	});

	it('keys answers by the whole query, and never keeps a refusal', async () => {
		const [day, month] = await Promise.all([get(path), get('/api/series?series=github:cache/repo:stars&interval=month')]);
		expect(day.headers.get('etag')).not.toBe(month.headers.get('etag'));
		expect((await month.json()).series[0].points).toEqual([['2026-01-01T00:00:00.000Z', 150]]);
		const missing = await get('/api/series?series=github:cache/later:stars');
		expect([missing.status, missing.headers.get('etag')]).toEqual([404, null]);
		await fetch(`${server.url}/api/import?series=github:cache/later:stars`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: 'ts,value\n2026-01-01,7\n' });
		expect((await get('/api/series?series=github:cache/later:stars')).status).toBe(200);
	});
});
