import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataVersion } from '../../src/lib/server/db/queries/data-version.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

const token = 'c'.repeat(24);

describe.each(testBackends)('the data version on $name', (backend) => {
	let database: Database;
	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());

	it('stays while nothing is written, and moves with every committed write', async () => {
		const before = await readDataVersion(database.db);
		expect(await readDataVersion(database.db)).toBe(before);
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
		const etag = first.headers.get('etag')!;
		expect([first.status, first.headers.get('x-dockpulse-cache'), first.headers.get('cache-control')]).toEqual([200, 'miss', 'no-cache']);
		const body = await first.json();
		const second = await get(path);
		expect([second.status, second.headers.get('x-dockpulse-cache'), second.headers.get('etag')]).toEqual([200, 'hit', etag]);
		expect(await second.json()).toEqual(body);
		const unchanged = await get(path, { 'if-none-match': etag });
		expect(unchanged.status).toBe(304);
		expect(await unchanged.text()).toBe('');

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
