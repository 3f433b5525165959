import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { testBackends } from '../helpers/databases.js';
import { postPastLimit, seedLargeSeries, startAbortedDownload, startStalledDownload, waitFor } from '../helpers/limits.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

// Enough rows (about 15 MB of CSV) that a client that stops reading stalls the stream: socket buffers
// on loopback hold a few MB.
const largeRows = 200_000;

async function seed(database: Database): Promise<void> {
	await seedLargeSeries(database.db, 'big/one', largeRows);
	await seedSeries(database.db, 'small/one', 'stars', [['2020-01-01T00:00:00Z', 1], ['2020-01-02T00:00:00Z', 2]]);
	for (const name of ['a', 'b', 'c', 'd']) await seedSeries(database.db, `pattern/${name}`, 'stars', [['2020-01-01T00:00:00Z', 1]]);
}

const expectJsonError = async (response: Response, status: number, error: string) => {
	expect(response.status).toBe(status);
	expect(response.headers.get('content-type')).toMatch(/^application\/json/);
	const body = await response.json();
	expect(body).toMatchObject({ error, message: expect.any(String) });
	return body as { error: string; message: string } & Record<string, unknown>;
};

const postChunked = (url: string, size: number, contentType: string) => postPastLimit(url, size, { 'content-type': contentType });

describe.each(testBackends)('resource limits over HTTP on $name', (backend) => {
	let server: TestServer;
	const env = { BODY_MAX_BYTES: '1K', IMPORT_MAX_BYTES: '256K', IMPORT_MAX_ROWS: '2000', EXPORT_CONCURRENCY: '2', ALERT_PATTERN_MAX_SERIES: '3' };

	beforeAll(async () => {
		server = await startServer(backend.name, env, { seed });
	}, 180_000);
	afterAll(() => server?.stop());

	it('refuses a body past the small limit on a JSON API, declared or chunked, as the documented JSON 413', async () => {
		const declared = await fetch(`${server.url}/api/alerts`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'x'.repeat(2_000) })
		});
		expect(await expectJsonError(declared, 413, 'payload_too_large')).toMatchObject({ limitBytes: 1024 });
		const chunked = await postChunked(`${server.url}/api/alerts`, 8 * 1024, 'application/json');
		expect(await expectJsonError(chunked, 413, 'payload_too_large')).toMatchObject({ message: expect.stringContaining('at most 1 KB') });
		// A body within the limit is read as before.
		const small = await fetch(`${server.url}/api/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(small.status).toBe(400);
	});

	it('refuses a sign-in form past the small limit with a plain 413, declared or chunked', async () => {
		const form = { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html' };
		const declared = await fetch(`${server.url}/signin?/signin`, { method: 'POST', headers: form, body: `token=${'a'.repeat(4_000)}` });
		expect(declared.status).toBe(413);
		expect(await declared.text()).toContain('at most 1 KB');
		const chunked = await postPastLimit(`${server.url}/signin?/signin`, 8 * 1024, form);
		expect(chunked.status).toBe(413);
	});

	it('takes a large body on imports only, up to IMPORT_MAX_BYTES, and writes nothing past it', async () => {
		const lines = Array.from({ length: 1_500 }, (_, i) => `${new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString()},${i}`);
		const csv = `ts,value\n${lines.join('\n')}\n`;
		expect(csv.length).toBeGreaterThan(8 * 1024);
		const ok = await fetch(`${server.url}/api/import?series=github:import/large:stars`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
		expect(ok.status).toBe(201);
		expect(await ok.json()).toMatchObject({ inserted: 1_500 });

		const declared = await fetch(`${server.url}/api/import?series=github:import/past:stars`, {
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: `ts,value\n${'2020-01-01,1\n'.repeat(30_000)}`
		});
		expect(await expectJsonError(declared, 413, 'payload_too_large')).toMatchObject({ limitBytes: 256 * 1024 });
		const chunked = await postChunked(`${server.url}/api/import?series=github:import/past:stars`, 260 * 1024, 'text/csv');
		await expectJsonError(chunked, 413, 'payload_too_large');
		const written = await fetch(`${server.url}/api/series?series=github:import/past:stars`);
		expect(written.status).toBe(404);
	});

	it('refuses an import past IMPORT_MAX_ROWS naming the line, and writes nothing', async () => {
		const lines = Array.from({ length: 2_001 }, (_, i) => `${new Date(Date.UTC(2000, 0, 1) + i * 3_600_000).toISOString()},${i}`);
		const response = await fetch(`${server.url}/api/import?series=github:import/rows:stars`, {
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: `ts,value\n${lines.join('\n')}\n`
		});
		const body = await expectJsonError(response, 413, 'too_many_rows');
		expect(body.problems).toEqual([{ line: 2_002, message: expect.stringContaining('more than 2000 rows') }]);
		expect((await fetch(`${server.url}/api/series?series=github:import/rows:stars`)).status).toBe(404);
	});

	it('refuses an alert rule whose pattern matches more series than ALERT_PATTERN_MAX_SERIES', async () => {
		const rule = (scope: string) =>
			fetch(`${server.url}/api/alerts`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'capped', scope, condition: { kind: 'stale', maxAgeHours: 24 } })
			});
		const refused = await expectJsonError(await rule('github:pattern/*:stars'), 400, 'bad_parameter');
		expect(refused).toMatchObject({ parameter: 'scope', message: expect.stringContaining('matches more than 3 series') });
		expect((await rule('github:pattern/a*:stars')).status).toBe(201);
	});

	it('answers 503 with Retry-After past EXPORT_CONCURRENCY, and frees the slots when slow downloads go away', async () => {
		const exportUrl = `${server.url}/api/export.csv?series=github:big/one:stars`;
		const stalled = [await startStalledDownload(exportUrl), await startStalledDownload(exportUrl)];
		expect(stalled.map((d) => d.response.statusCode)).toEqual([200, 200]);
		const busy = await fetch(`${server.url}/api/export.csv?series=github:small/one:stars`);
		const body = await expectJsonError(busy, 503, 'busy');
		expect(body.message).toContain('EXPORT_CONCURRENCY');
		expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
		// Reads are not held up by the downloads.
		expect((await fetch(`${server.url}/api/series?series=github:small/one:stars`)).status).toBe(200);
		for (const download of stalled) download.abort();
		await waitFor('the export slots to be released', async () => {
			const response = await fetch(`${server.url}/api/export.csv?series=github:small/one:stars`);
			const text = await response.text();
			return response.status === 200 && text.includes('2020-01-02T00:00:00.000Z');
		});
	});

	if (backend.name === 'postgres') {
		it('closes the COPY connection of every download cut short: none is left in COPY, and the API answers', async () => {
			const exportUrl = `${server.url}/api/export.csv?series=github:big/one:stars`;
			for (let round = 0; round < 12; round++) {
				await waitFor('an export to start', () => startAbortedDownload(exportUrl, 64 * 1024));
			}
			const admin = new pg.Client({ connectionString: server.storeEnv.DATABASE_URL });
			await admin.connect();
			try {
				const activity = async () =>
					(
						await admin.query<{ copying: number; connections: number }>(
							`select count(*) filter (where query ilike 'copy (%' and state <> 'idle')::int as copying, count(*)::int as connections
							from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
						)
					).rows[0]!;
				await waitFor('the aborted COPY statements to end', async () => (await activity()).copying === 0);
				// The pool (DB_POOL_MAX, 10) at most: no export connection is left behind.
				expect((await activity()).connections).toBeLessThanOrEqual(10);
			} finally {
				await admin.end();
			}
			const full = await fetch(exportUrl);
			expect(full.status).toBe(200);
			const text = await full.text();
			expect(text.trimEnd().split('\r\n')).toHaveLength(largeRows + 1);
			expect((await fetch(`${server.url}/api/series?series=github:small/one:stars`)).status).toBe(200);
		});
	}
});

describe.each(testBackends)('export deadline and statement timeout on $name', (backend) => {
	let server: TestServer;

	beforeAll(async () => {
		server = await startServer(backend.name, { EXPORT_CONCURRENCY: '1', EXPORT_TIMEOUT_MS: '1000', STATEMENT_TIMEOUT_MS: '3000' }, { seed });
	}, 180_000);
	afterAll(() => server?.stop());

	it('cuts an export that passes EXPORT_TIMEOUT_MS, closing the connection and releasing its slot', async () => {
		const stalled = await startStalledDownload(`${server.url}/api/export.csv?series=github:big/one:stars`);
		expect(stalled.response.statusCode).toBe(200);
		// One slot: a second export starts only once the deadline has ended the stalled one.
		await waitFor('the stalled export to be cut off and its slot freed', async () => {
			// On a busy machine PGlite can take this small export past the short deadline too: try again.
			const response = await fetch(`${server.url}/api/export.csv?series=github:small/one:stars`).catch(() => undefined);
			return response?.status === 200 && (await response.text().catch(() => '')).includes('2020-01-02');
		});
		// What the client had not read yet still arrives, then the connection closes mid-answer.
		const rest = await stalled.readRest();
		expect(rest.isComplete).toBe(false);
		expect(rest.bytes).toBeGreaterThan(0);
		expect(rest.bytes).toBeLessThan(largeRows * 60);
	});

	if (backend.name === 'postgres') {
		it('answers a statement cancelled by STATEMENT_TIMEOUT_MS as a JSON 503 query_timeout, not a 500', async () => {
			const locker = new pg.Client({ connectionString: server.storeEnv.DATABASE_URL });
			await locker.connect();
			try {
				await locker.query('begin');
				await locker.query('lock table samples in access exclusive mode');
				const response = await fetch(`${server.url}/api/series?series=github:small/one:stars`);
				const body = await expectJsonError(response, 503, 'query_timeout');
				expect(body.message).toContain('STATEMENT_TIMEOUT_MS');
				expect(response.headers.get('retry-after')).not.toBeNull();
			} finally {
				await locker.query('rollback');
				await locker.end();
			}
			expect((await fetch(`${server.url}/api/series?series=github:small/one:stars`)).status).toBe(200);
			expect(server.output()).toContain('cancelled by statement_timeout');
		});
	}
});
