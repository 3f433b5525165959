import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';
import { createStoreEnv, openStoreEnvDatabase, runScript, startServer, type TestServer } from '../helpers/server.js';

const stars: [string, number][] = [
	['2015-06-01T00:00:00Z', 100],
	['2015-06-02T00:00:00Z', 130],
	['2015-07-01T00:00:00Z', 190]
];

describe.each(testBackends)('GET /api/export.csv on $name', (backend) => {
	let server: TestServer;

	beforeAll(async () => {
		server = await startServer(backend.name, {}, { seed: async (database) => void (await seedSeries(database.db, 'csv/one', 'stars', stars)) });
	});
	afterAll(() => server?.stop());

	it('downloads a CSV named after its content that parses back to the series API numbers', async () => {
		const query = 'series=github:csv/one:stars&interval=month&transform=delta';
		const response = await fetch(`${server.url}/api/export.csv?${query}`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toBe(
			'attachment; filename="dockpulse_github_csv_one_stars_month_delta_start_to_latest_long.csv"'
		);
		const rows = parse(await response.text(), { columns: true }) as Record<string, string>[];
		const api = await (await fetch(`${server.url}/api/series?${query}`)).json();
		expect(rows.map((r) => [r.ts, r.value === '' ? null : Number(r.value)])).toEqual(api.series[0].points);
	});

	it('answers 400 naming a bad parameter and 404 naming unknown series, as JSON', async () => {
		const bad = await fetch(`${server.url}/api/export.csv?series=github:csv/one:stars&format=xlsx`);
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ parameter: 'format' });
		const unknown = await fetch(`${server.url}/api/export.csv?series=github:csv/none:stars`);
		expect(unknown.status).toBe(404);
		expect(await unknown.json()).toMatchObject({ missing: ['github:csv/none:stars'] });
	});
});

describe('npm run export', () => {
	it('writes the same CSV to stdout, and exits 2 naming a bad parameter', async () => {
		const store = await createStoreEnv('pglite');
		try {
			const database = await openStoreEnvDatabase(store.env);
			await seedSeries(database.db, 'csv/one', 'stars', stars);
			await database.close();
			const ok = await runScript('scripts/export.ts', ['series=github:csv/one:stars', '--format', 'wide'], store.env);
			expect(ok.code).toBe(0);
			expect(parse(ok.output)).toEqual([['ts', 'github:csv/one:stars'], ...stars.map(([ts, v]) => [ts.replace('Z', '.000Z'), String(v)])]);
			const bad = await runScript('scripts/export.ts', ['series=github:csv/one:stars', 'interval=fortnight'], store.env);
			expect(bad.code).toBe(2);
			expect(bad.output).toContain('interval: expected one of');
		} finally {
			await store.cleanup();
		}
	});
});
