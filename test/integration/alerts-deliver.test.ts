import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { computeRetryDelayMs, deliverDue, maxAttempts } from '../../src/lib/server/outbox/deliver.js';
import { evaluateAlerts } from '../../src/lib/server/alerts/evaluate.js';
import { alertRuleInput, insertAlertRule } from '../../src/lib/server/alerts/rule-input.js';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { testBackends } from '../helpers/databases.js';
import { MailReceiver, WebhookReceiver } from '../helpers/receiver.js';
import { createMailer } from '../../src/lib/server/outbox/send.js';
import { createTestDeliveryDeps } from '../helpers/delivery.js';
import { seedSeries } from '../helpers/samples.js';

const t0 = Date.UTC(2026, 5, 1);
const deps = createTestDeliveryDeps;

describe.each(testBackends)('delivering alert notifications on $name', (backend) => {
	let database: Database;
	let receiver: WebhookReceiver;
	const deliveries = () =>
		queryRows<{ channel: string; status: string; attempts: number; log: { ok: boolean; detail: string }[] }>(
			database.db,
			sql`select channel, status, attempts, log from alert_deliveries order by id`
		);

	/** A rule that fires at t0 on github:notify/one:stars (value 1,500 above 1,000). */
	async function fireOnce(channels: unknown) {
		await insertAlertRule(
			database.db,
			alertRuleInput.parse({ name: 'over 1k', scope: 'github:notify/one:stars', condition: { kind: 'threshold', op: 'above', value: 1000 }, channels })
		);
		await evaluateAlerts(database.db, t0);
	}

	beforeAll(async () => {
		database = await backend.open();
		receiver = await WebhookReceiver.start();
		await seedSeries(database.db, 'notify/one', 'stars', [['2026-05-31T00:00:00Z', 1500]]);
	});
	afterAll(async () => {
		await receiver.close();
		await database.close();
	});
	beforeEach(async () => {
		await database.db.execute(sql`delete from alert_rules`);
		receiver.received.length = 0;
	});

	it('posts a JSON body once, with a delivery id a receiver can deduplicate on', async () => {
		await fireOnce({ webhooks: [{ url: receiver.url }] });
		expect(await deliverDue(database.db, deps(), t0)).toEqual({ sent: 1, failed: 0, retrying: 0, interrupted: 0 });
		expect(await deliverDue(database.db, deps(), t0 + 60_000)).toEqual({ sent: 0, failed: 0, retrying: 0, interrupted: 0 });
		expect(receiver.received).toHaveLength(1);
		const [{ body, headers }] = receiver.received as [{ body: Record<string, unknown>; headers: Record<string, string> }];
		expect(body).toMatchObject({
			kind: 'firing',
			rule: { name: 'over 1k', scope: 'github:notify/one:stars' },
			alert: { series: 'github:notify/one:stars', state: 'firing', value: 1500 }
		});
		expect(body.text).toContain('[FIRING] over 1k: github:notify/one:stars');
		expect(headers['x-dockpulse-delivery']).toMatch(/^alert-event-\d+$/);
	});

	it('sends the Slack form as {"text": ...}', async () => {
		await fireOnce({ webhooks: [{ url: receiver.url, format: 'slack' }] });
		await deliverDue(database.db, deps(), t0);
		expect(receiver.received.map((r) => Object.keys(r.body as object))).toEqual([['text']]);
	});

	it('retries a failing receiver with growing waits, records every attempt, and gives up after the last', async () => {
		receiver.answerWith(500, 503);
		await fireOnce({ webhooks: [{ url: receiver.url }] });
		expect(await deliverDue(database.db, deps(), t0)).toMatchObject({ retrying: 1 });
		// Not due again before its backoff (30 s, with the jitter at its middle).
		expect(await deliverDue(database.db, deps(), t0 + 29_000)).toMatchObject({ retrying: 0, sent: 0 });
		expect(await deliverDue(database.db, deps(), t0 + 30_000)).toMatchObject({ retrying: 1 });
		expect(await deliverDue(database.db, deps(), t0 + 30_000 + 60_000)).toMatchObject({ sent: 1 });
		const [delivery] = await deliveries();
		expect(delivery).toMatchObject({ status: 'sent', attempts: 3 });
		expect(delivery!.log.map((a) => [a.ok, a.detail])).toEqual([[false, 'HTTP 500'], [false, 'HTTP 503'], [true, 'HTTP 200']]);
		expect([1, 2, 3, 10].map((n) => computeRetryDelayMs(n, () => 0.5))).toEqual([30_000, 60_000, 120_000, 3_600_000]);
	});

	it('marks a delivery failed after the last attempt', async () => {
		receiver.answerWith(...Array.from({ length: maxAttempts }, () => 500));
		await fireOnce({ webhooks: [{ url: receiver.url }] });
		for (let n = 0; n < maxAttempts; n++) await deliverDue(database.db, deps(), t0 + n * 3_600_000);
		expect((await deliveries())[0]).toMatchObject({ status: 'failed', attempts: maxAttempts });
	});

	it('refuses webhooks to loopback and private addresses unless allowed, without connecting', async () => {
		await fireOnce({ webhooks: [{ url: receiver.url }, { url: 'http://localhost:9/x' }, { url: 'http://10.1.2.3/x' }, { url: 'http://[::1]:9/x' }] });
		await deliverDue(database.db, deps({ allowPrivateWebhooks: false }), t0);
		expect(receiver.received).toHaveLength(0);
		const refused = await deliveries();
		expect(refused.map((d) => d.log[0]!.detail)).toEqual([
			expect.stringContaining('127.0.0.1 (loopback)'),
			expect.stringMatching(/resolves to (127\.0\.0\.1|::1) \(loopback\)/),
			expect.stringContaining('10.1.2.3 (private)'),
			expect.stringContaining('::1 (loopback)')
		]);
	});

	it('says so when e-mail is asked for but not configured', async () => {
		await fireOnce({ emails: ['analyst@example.com'] });
		await deliverDue(database.db, deps(), t0);
		expect((await deliveries())[0]!.log[0]).toMatchObject({ ok: false, detail: 'e-mail is not configured (set SMTP_URL)' });
	});

	it('e-mails through SMTP when configured, with the notification as subject and text', async () => {
		const mail = await MailReceiver.start();
		try {
			await fireOnce({ emails: ['analyst@example.com'] });
			const mailer = createMailer(mail.url, 'Dockpulse <alerts@example.com>', 5_000);
			expect(await deliverDue(database.db, deps({ mailer }), t0)).toMatchObject({ sent: 1 });
			expect(mail.messages).toHaveLength(1);
			expect(mail.messages[0]).toMatchObject({ from: 'alerts@example.com', to: ['analyst@example.com'] });
			expect(mail.messages[0]!.text).toContain('Subject: [FIRING] over 1k: github:notify/one:stars');
		} finally {
			await mail.close();
		}
	});
});
