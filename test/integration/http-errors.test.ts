import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

/**
 * Errors on /api/ in the documented JSON shape, with a request id, whatever went wrong: an unexpected
 * error (here a stored rule whose channels an older version wrote without webhooks), an unknown path,
 * a method an endpoint does not have; and the hostile requests that answered 500 before (issue 10).
 */

const token = 'r'.repeat(24);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(testBackends)('API errors on $name', (backend) => {
	let server: TestServer;
	const call = (path: string, init: RequestInit = {}) =>
		fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
	const answer = async (response: Response) => ({
		status: response.status,
		requestId: response.headers.get('x-request-id'),
		contentType: response.headers.get('content-type'),
		body: JSON.parse(await response.text()) as Record<string, unknown>
	});

	beforeAll(async () => {
		server = await startServer(
			backend.name,
			{ ADMIN_TOKEN: token, RUN_SCHEDULES: 'false', CATCH_UP_ON_START: 'false', DEFAULT_WATCHLIST: 'false' },
			{
				seed: async (database) => {
					await seedSeries(database.db, 'errors/seeded', 'stars', [['2026-01-01T00:00:00Z', 10]]);
					await database.db.execute(sql`insert into alert_rules (name, scope, scope_source, scope_key, scope_metric, condition, channels)
						values ('old', 'github:errors/seeded:stars', 'github', 'errors/seeded', 'stars', '{"kind":"milestone","value":1}', '{}')`);
				}
			}
		);
	});
	afterAll(() => server?.stop());

	it('answers an unexpected error with 500 { error: "internal", message, requestId }, and logs it under that id', async () => {
		for (const accept of ['text/html', 'application/json', '*/*']) {
			const failed = await answer(await call('/api/alerts', { headers: { accept } }));
			expect(failed.status).toBe(500);
			expect(failed.contentType).toMatch(/^application\/json/);
			expect(Object.keys(failed.body).sort()).toEqual(['error', 'message', 'requestId']);
			expect(failed.body).toMatchObject({ error: 'internal', requestId: expect.stringMatching(uuid) });
			expect(failed.requestId).toBe(failed.body.requestId);
			// The error itself stays in the log.
			expect(JSON.stringify(failed.body)).not.toMatch(/TypeError|webhooks|undefined/);
			expect(server.output()).toMatch(new RegExp(`request ${failed.requestId} failed: GET /api/alerts: TypeError`));
		}
	});

	it("takes the caller's x-request-id when it is a plain token, and makes one up otherwise", async () => {
		const traced = await call('/api/alerts', { headers: { 'x-request-id': 'trace-42.a:b_c' } });
		expect((await answer(traced)).body.requestId).toBe('trace-42.a:b_c');
		expect(server.output()).toContain('request trace-42.a:b_c failed: GET /api/alerts');
		for (const header of ['two words', 'x'.repeat(129), 'quote"d', 'line%0Abreak']) {
			const response = await call('/api/targets', { headers: { 'x-request-id': header } });
			expect(response.status).toBe(200);
			expect(response.headers.get('x-request-id')).toMatch(uuid);
		}
		const page = await fetch(`${server.url}/targets`);
		expect(page.headers.get('x-request-id')).toMatch(uuid);
	});

	it('answers an unknown /api/ path with 404 and a method an endpoint lacks with 405, as JSON', async () => {
		for (const accept of ['text/html', 'application/json']) {
			const missing = await answer(await call('/api/nothing/here', { headers: { accept } }));
			expect(missing).toMatchObject({ status: 404, body: { error: 'not_found', message: 'no endpoint at /api/nothing/here' } });
			const response = await call('/api/series', { method: 'PUT', headers: { accept } });
			expect(response.headers.get('allow')).toContain('GET');
			const wrongMethod = await answer(response);
			expect(wrongMethod).toMatchObject({ status: 405, body: { error: 'method_not_allowed', message: expect.stringContaining('PUT is not allowed on /api/series') } });
		}
		// A path that is no UTF-8 once decoded, refused by SvelteKit before any route.
		expect(await answer(await call('/api/events/%E0%A4', { method: 'DELETE' }))).toMatchObject({ status: 400, body: { error: 'bad_request' } });
	});

	it('answers a form post to the reserved action name "default" with 404, not 500', async () => {
		const response = await call('/targets?/default', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ref=github:errors/seeded' });
		expect(response.status).toBe(404);
	});

	it.each([
		['GET', '/api/alerts/events?rule=3000000000', 'rule'],
		['GET', '/api/alerts/events?rule=2147483648', 'rule'],
		['GET', '/api/report?series=github:errors/seeded:stars&fromEvent=3000000000&toEvent=1', 'fromEvent'],
		['GET', '/api/report?series=github:errors/seeded:stars&fromEvent=1&toEvent=3000000000', 'toEvent'],
		['DELETE', '/api/events/3000000000', 'id'],
		['PATCH', '/api/alerts/3000000000', 'id'],
		['DELETE', '/api/alerts/3000000000', 'id'],
		['POST', '/api/alerts/3000000000/test', 'id'],
		['GET', '/api/series?series=github:errors/seeded:stars&from=9999-12-31T23:00:00-05:00', 'from'],
		['GET', '/api/events?from=1970-01-01T00:30:00%2B01:00', 'from']
	])('refuses %s %s with 400 naming %s', async (method, path, parameter) => {
		const refused = await answer(await call(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'PATCH' ? '{}' : undefined }));
		expect(refused).toMatchObject({ status: 400, body: { error: 'bad_parameter', parameter } });
	});

	it('refuses an import row in the year 10000 after its offset with its line number, and writes nothing', async () => {
		const csv = 'ts,value\n2026-01-02,11\n9999-12-31T23:00:00-05:00,12\n';
		const refused = await answer(await call('/api/import?series=github:errors/seeded:stars', { method: 'POST', body: csv }));
		expect(refused).toMatchObject({ status: 422, body: { error: 'invalid_csv', problems: [{ line: 3, message: expect.stringContaining('"9999-12-31T23:00:00-05:00"') }] } });
		const read = await answer(await call('/api/series?series=github:errors/seeded:stars'));
		expect((read.body.series as { pointCount: number }[])[0]!.pointCount).toBe(1);
	});

	it('reads a report over the widest period there is', async () => {
		const report = await answer(await call('/api/report?series=github:errors/seeded:stars&from=1970-01-01&to=9999-12-31'));
		expect(report).toMatchObject({ status: 200, body: { period: { start: '1970-01-01T00:00:00.000Z', end: '9999-12-31T23:59:59.999Z', previousStart: '1970-01-01T00:00:00.000Z' } } });
		const series = await answer(await call('/api/series?series=github:errors/seeded:stars&from=1970-01-01&to=9999-12-31&interval=year'));
		expect(series.status).toBe(200);
	});
});
