import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { waitUntil } from '../helpers/process-control.js';
import { WebhookReceiver } from '../helpers/receiver.js';
import { startServer, type TestServer } from '../helpers/server.js';

const token = 's'.repeat(24);
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

describe.each(testBackends)('the scheduled reports API on $name', (backend) => {
	let server: TestServer;
	let receiver: WebhookReceiver;
	const call = (path: string, method = 'GET', body?: unknown) =>
		fetch(`${server.url}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
	const readSchedules = async () => (await (await call('/api/report-schedules')).json()).schedules;
	const schedule = (overrides: Record<string, unknown> = {}) => ({
		name: 'Weekly stars',
		series: ['github:sched-http/*:stars'],
		period: 'last-30-days',
		cron: '0 8 * * 1',
		channels: { webhooks: [{ url: receiver.url, format: 'json' }], emails: ['ops@example.com'] },
		...overrides
	});

	beforeAll(async () => {
		receiver = await WebhookReceiver.start();
		server = await startServer(backend.name, { ADMIN_TOKEN: token, ALLOW_PRIVATE_WEBHOOKS: 'true', RUN_SCHEDULES: 'false' });
		const today = new Date().toISOString().slice(0, 10);
		const csv = `ts,value\n2026-01-01,900\n${today},1200\n`;
		expect((await fetch(`${server.url}/api/import?series=github:sched-http/repo:stars`, { method: 'POST', headers: auth, body: csv })).status).toBe(201);
	});
	afterAll(async () => {
		await server?.stop();
		await receiver.close();
	});

	it('refuses a schedule without the token, and names the bad field of one', async () => {
		const anonymous = await fetch(`${server.url}/api/report-schedules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(schedule()) });
		expect(anonymous.status).toBe(401);
		for (const [override, parameter, message] of [
			[{ cron: '* * * * *' }, 'cron', 'at most once an hour'],
			[{ cron: '0 0 8 * * 1' }, 'cron', 'five fields'],
			[{ period: 'fortnight' }, 'period', 'expected one of'],
			[{ series: ['github:sched-http/gone:stars'] }, 'series', 'github:sched-http/gone:stars'],
			[{ series: ['not a series'] }, 'series.0', ''],
			[{ channels: { webhooks: [], emails: [] } }, 'channels', 'at least one webhook or e-mail']
		] as const) {
			const refused = await call('/api/report-schedules', 'POST', schedule(override));
			expect(refused.status).toBe(400);
			expect(await refused.json()).toMatchObject({ parameter, message: expect.stringContaining(message) });
		}
		expect(await readSchedules()).toEqual([]);
	});

	it('creates a schedule, sends it now through the outbox, and shows the send with its deliveries', async () => {
		const created = await call('/api/report-schedules', 'POST', schedule());
		expect(created.status).toBe(201);
		const { schedule: saved } = await created.json();
		expect(saved).toMatchObject({ name: 'Weekly stars', period: 'last-30-days', cron: '0 8 * * 1', isEnabled: true, sends: [] });
		// The next Monday, 08:00 UTC.
		const next = new Date(saved.nextTickAt);
		expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 8, 0]);
		expect(next.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
		expect((await fetch(`${server.url}/api/report-schedules/${saved.id}/send`, { method: 'POST' })).status).toBe(401);
		expect((await call(`/api/report-schedules/${saved.id}/send`, 'POST')).status).toBe(202);
		await waitUntil(() => receiver.received.length > 0, 'the report at the webhook');
		expect(receiver.received[0]!.body).toMatchObject({ kind: 'report', schedule: { id: saved.id, name: 'Weekly stars' }, report: { rows: [expect.objectContaining({ series: 'github:sched-http/repo:stars' })] } });
		const isSent = (s: { sends: { deliveries: { status: string }[] }[] }[]) => s[0]?.sends[0]?.deliveries.some((d) => d.status === 'sent') ?? false;
		await waitUntil(async () => isSent(await readSchedules()), 'the send listed as sent');
		const schedules = await readSchedules();
		// No SMTP_URL: the e-mail delivery says why it is not sent, and is retried.
		expect(schedules[0].sends[0].deliveries).toEqual([
			expect.objectContaining({ channel: 'webhook', destination: new URL(receiver.url).origin + '/…', status: 'sent', attempts: 1 }),
			expect.objectContaining({ channel: 'email', destination: 'ops@example.com', status: 'pending', lastDetail: 'e-mail is not configured (set SMTP_URL)' })
		]);
		// Readers without the token see neither the webhook's path nor the address.
		const anonymous = await (await fetch(`${server.url}/api/report-schedules`)).json();
		expect(JSON.stringify(anonymous)).not.toContain(receiver.url);
		expect(JSON.stringify(anonymous)).not.toContain('ops@example.com');
	});

	it('disables and deletes a schedule', async () => {
		const [saved] = await readSchedules();
		expect((await call(`/api/report-schedules/${saved.id}`, 'PATCH', { isEnabled: false })).status).toBe(200);
		expect((await readSchedules())[0]).toMatchObject({ isEnabled: false, nextTickAt: null });
		expect((await call(`/api/report-schedules/${saved.id}`, 'PATCH', { isEnabled: 'no' })).status).toBe(400);
		expect((await call(`/api/report-schedules/${saved.id}`, 'DELETE')).status).toBe(204);
		expect((await call(`/api/report-schedules/${saved.id}`, 'DELETE')).status).toBe(404);
		expect((await call(`/api/report-schedules/${saved.id}/send`, 'POST')).status).toBe(404);
	});
});
