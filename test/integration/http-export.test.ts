import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { defineSeries, seedSeries } from '../helpers/samples.js';
import { createStoreEnv, openStoreEnvDatabase, runScript, startServer, type TestServer } from '../helpers/server.js';

const stars: [string, number][] = [
	['2015-06-01T00:00:00Z', 100],
	['2015-06-02T00:00:00Z', 130],
	['2015-07-01T00:00:00Z', 190]
];

describe.each(testBackends)('GET /api/export.csv on $name', (backend) => {
	let server: TestServer;

	beforeAll(async () => {
		server = await startServer(backend.name, {}, {
			seed: async (database) => {
				await seedSeries(database.db, 'csv/one', 'stars', stars);
				await seedSeries(database.db, 'csv/two', 'stars', [['2015-06-15T00:00:00Z', 70]]);
			}
		});
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
		const raw = await fetch(`${server.url}/api/export.csv?series=github:csv/*:stars&transform=share`);
		expect(raw.status).toBe(400);
		expect(await raw.json()).toMatchObject({ parameter: 'transform', message: expect.stringContaining('needs interval=day') });
		const unknown = await fetch(`${server.url}/api/export.csv?series=github:csv/none:stars`);
		expect(unknown.status).toBe(404);
		expect(await unknown.json()).toMatchObject({ missing: ['github:csv/none:stars'] });
	});

	it('answers shares with the basket size per point, and exports a pattern\'s shares named in the file name', async () => {
		const api = await (await fetch(`${server.url}/api/series?series=github:csv/one:stars&series=github:csv/two:stars&interval=month&transform=share`)).json();
		expect(api.transform).toBe('share');
		expect(api.series[0]).toMatchObject({ points: [['2015-06-01T00:00:00.000Z', 65], ['2015-07-01T00:00:00.000Z', 100]], pointBasketSize: [2, 1] });
		expect(api.series[1]).toMatchObject({ points: [['2015-06-01T00:00:00.000Z', 35]], pointBasketSize: [2] });
		const response = await fetch(`${server.url}/api/export.csv?series=github:csv/*:stars&interval=month&transform=share`);
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="dockpulse_github_csv_all_stars_month_share_start_to_latest_long.csv"');
		const rows = parse(await response.text(), { columns: true }) as Record<string, string>[];
		expect(rows.map((r) => [r.series, r.ts, Number(r.value)])).toEqual([
			['github:csv/one:stars', '2015-06-01T00:00:00.000Z', 65],
			['github:csv/one:stars', '2015-07-01T00:00:00.000Z', 100],
			['github:csv/two:stars', '2015-06-01T00:00:00.000Z', 35]
		]);
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

// PGlite pages 600,000 rows through JavaScript: 17-47 s alone, over 60 s beside the browser tests on
// 2 cores. What this test checks is memory, not speed (npm run bench measures that).
const largeExportTimeoutMs = 240_000;

describe.each(testBackends)('a large export on $name', (backend) => {
	const seriesCount = 60;
	const rowsPerSeries = 10_000;
	let server: TestServer;

	// 0 once the process is gone (a crash shows as the failed download, not here).
	const readRssMb = (pid: number) => {
		const path = `/proc/${pid}/status`;
		const match = existsSync(path) ? /VmRSS:\s+(\d+) kB/.exec(readFileSync(path, 'utf8')) : null;
		return match ? Number(match[1]) / 1024 : 0;
	};

	beforeAll(async () => {
		server = await startServer(backend.name, { RUN_SCHEDULES: 'false', NODE_OPTIONS: '--max-old-space-size=64' }, {
			seed: async (database) => {
				for (let s = 0; s < seriesCount; s++) {
					const seriesId = await defineSeries(database.db, `big/s${s}`, 'stars');
					// One statement per series: hourly from 2015 on, values of 7 to 8 digits.
					await database.db.execute(sql`insert into samples (series_id, ts, value, provenance)
						select ${seriesId}::int, timestamptz '2015-01-01 00:00:00+00' + make_interval(hours => n), ${s * 1e6}::float8 + n, 'imported'
						from generate_series(0, ${rowsPerSeries - 1}::int) as n`);
				}
			}
		});
	});
	afterAll(() => server?.stop());

	// The server runs with a 64 MB heap: an export that held its 50 MB of CSV (or its rows) in memory
	// would take the server down; a streamed one passes with its resident memory about flat.
	it('streams 600,000 rows from a server with a 64 MB heap, its memory about flat', async () => {
		// Warm the route first, so that loading its code is not counted as the export's memory.
		await (await fetch(`${server.url}/api/export.csv?series=github:big/s0:stars&to=2015-01-02`)).text();
		const before = readRssMb(server.pid);
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, readRssMb(server.pid))), 20);
		let lines = 0;
		let bytes = 0;
		try {
			const response = await fetch(`${server.url}/api/export.csv?series=github:big/*:stars`);
			for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
				bytes += chunk.length;
				for (const byte of chunk) if (byte === 10) lines++;
			}
		} finally {
			clearInterval(sampler);
		}
		expect(lines - 1).toBe(seriesCount * rowsPerSeries);
		expect(bytes).toBeGreaterThan(50e6);
		expect(peak - before, `RSS ${before.toFixed(0)} -> ${peak.toFixed(0)} MB`).toBeLessThan(100);
	}, largeExportTimeoutMs);
});
