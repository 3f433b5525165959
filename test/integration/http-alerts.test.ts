import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { WebhookReceiver } from '../helpers/receiver.js';
import { startServer, type TestServer } from '../helpers/server.js';

const token = 'a'.repeat(24);
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function waitFor<T>(read: () => Promise<T>, isDone: (value: T) => boolean): Promise<T> {
	const deadline = Date.now() + 20_000;
	let value = await read();
	while (!isDone(value) && Date.now() < deadline) {
		await new Promise((r) => setTimeout(r, 100));
		value = await read();
	}
	return value;
}

describe.each(testBackends)('the alerts API on $name', (backend) => {
	let server: TestServer;
	let receiver: WebhookReceiver;
	const call = (path: string, method = 'GET', body?: unknown) =>
		fetch(`${server.url}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });

	beforeAll(async () => {
		receiver = await WebhookReceiver.start();
		server = await startServer(backend.name, { ADMIN_TOKEN: token, ALLOW_PRIVATE_WEBHOOKS: 'true', RUN_SCHEDULES: 'false' });
		const csv = 'ts,value\n2026-01-01,900\n';
		expect((await fetch(`${server.url}/api/import?series=github:alerting/repo:stars`, { method: 'POST', headers: auth, body: csv })).status).toBe(201);
	});
	afterAll(async () => {
		await server?.stop();
		await receiver.close();
	});

	it('creates a rule, fires it when an import crosses the threshold, and notifies the webhook once', async () => {
		const rule = { name: 'repo over 1k', scope: 'github:alerting/repo:stars', condition: { kind: 'threshold', op: 'above', value: 1000 }, channels: { webhooks: [{ url: receiver.url }] } };
		expect((await fetch(`${server.url}/api/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) })).status).toBe(401);
		const created = await call('/api/alerts', 'POST', rule);
		expect(created.status).toBe(201);
		const { rule: saved } = await created.json();
		expect(saved).toMatchObject({ name: 'repo over 1k', scope: 'github:alerting/repo:stars', isEnabled: true, alerts: [] });
		await fetch(`${server.url}/api/import?series=github:alerting/repo:stars`, { method: 'POST', headers: auth, body: 'ts,value\n2026-01-02,1200\n' });
		const rules = await waitFor(async () => (await (await call('/api/alerts')).json()).rules, (r) => r[0]?.alerts.length > 0);
		expect(rules[0].alerts).toEqual([expect.objectContaining({ series: 'github:alerting/repo:stars', state: 'firing', value: 1200 })]);
		await waitFor(async () => receiver.received.length, (n) => n > 0);
		expect(receiver.received.map((r) => (r.body as { kind: string }).kind)).toEqual(['firing']);
		const history = await waitFor(async () => (await (await call(`/api/alerts/events?rule=${saved.id}`)).json()).events, (e) => e[0]?.deliveries[0]?.status === 'sent');
		expect(history).toEqual([expect.objectContaining({ from: 'normal', to: 'firing', notify: 'firing', deliveries: [expect.objectContaining({ status: 'sent', attempts: 1, lastDetail: 'HTTP 200' })] })]);
	});

	it('sends a test notification on demand, snoozes, disables and deletes a rule', async () => {
		const { rules } = await (await call('/api/alerts')).json();
		const id = rules[0].id;
		const test = await (await call(`/api/alerts/${id}/test`, 'POST')).json();
		// A webhook's path is its secret: the API shows the origin only.
		expect(test.results).toEqual([{ destination: `${new URL(receiver.url).origin}/…`, ok: true, detail: 'HTTP 200' }]);
		expect(JSON.stringify(await (await call('/api/alerts')).json())).not.toContain(receiver.url);
		expect(JSON.stringify(await (await call('/api/alerts/events')).json())).not.toContain(receiver.url);
		expect((receiver.received.at(-1)!.body as { kind: string }).kind).toBe('test');
		expect((await call(`/api/alerts/${id}`, 'PATCH', { snoozedUntil: '2030-01-01', isEnabled: false })).status).toBe(200);
		expect((await (await call('/api/alerts')).json()).rules[0]).toMatchObject({ snoozedUntil: '2030-01-01T00:00:00.000Z', isEnabled: false });
		expect((await call(`/api/alerts/${id}`, 'DELETE')).status).toBe(204);
		expect((await call(`/api/alerts/${id}`, 'DELETE')).status).toBe(404);
	});

	it('backtests a rule over stored history before it is saved', async () => {
		const result = await (await call('/api/alerts/backtest', 'POST', { name: 'x', scope: 'github:alerting/*:stars', condition: { kind: 'threshold', op: 'above', value: 1000 } })).json();
		expect(result.alerts).toEqual([{ series: 'github:alerting/repo:stars', fired: ['2026-01-02'], resolved: [] }]);
	});

	it('names the bad field of a rule', async () => {
		const bad = await call('/api/alerts', 'POST', { name: 'x', scope: 'github:alerting/repo:stars', condition: { kind: 'threshold', op: 'sideways', value: 1 } });
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ parameter: 'condition.op' });
		expect(await (await call('/api/alerts/events?limit=0')).json()).toMatchObject({ parameter: 'limit' });
	});
});

describe('webhooks to private addresses', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startServer('pglite', { ADMIN_TOKEN: token, RUN_SCHEDULES: 'false' });
	});
	afterAll(() => server?.stop());

	it('are refused when a rule is saved, naming the address', async () => {
		const response = await fetch(`${server.url}/api/alerts`, {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({ name: 'x', scope: 'github:a/b:stars', condition: { kind: 'milestone', value: 1 }, channels: { webhooks: [{ url: 'http://127.0.0.1:9/hook' }] } })
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ parameter: 'channels.webhooks.0.url', message: expect.stringContaining('127.0.0.1 (loopback)') });
	});
});
