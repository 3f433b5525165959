import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { browserBackends, gotoHydrated, launchBrowser, openWatchedPage, reloadHydrated } from '../helpers/browser.js';
import { WebhookReceiver } from '../helpers/receiver.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe.each(browserBackends)('scheduled reports on the report page on %s', (backendName) => {
	let server: TestServer;
	let browser: Browser;
	let receiver: WebhookReceiver;

	beforeAll(async () => {
		receiver = await WebhookReceiver.start();
		const seed = async (database: Database) => {
			await seedSeries(database.db, 'schedule/e2e', 'stars', [['2026-01-01T00:00:00Z', 1000], ['2026-06-01T00:00:00Z', 2500]]);
		};
		[server, browser] = await Promise.all([startServer(backendName, { ALLOW_PRIVATE_WEBHOOKS: 'true', RUN_SCHEDULES: 'false' }, { seed }), launchBrowser()]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await receiver?.close();
	});

	it("schedules the report on the page, sends it now, and lists the send with its delivery", async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/report?series=github:schedule/e2e:stars&preset=1y`);
		const form = page.getByRole('form', { name: 'Schedule this report' });
		// The series of the report on the page are offered.
		expect(await form.getByLabel('Series or patterns, one per line').inputValue()).toBe('github:schedule/e2e:stars');
		await form.getByLabel('Name', { exact: true }).fill('Monday stars');
		await form.getByLabel('Period').selectOption('previous-month');
		await form.getByLabel('When (cron, UTC)').fill('* * * * *');
		await form.getByLabel('Webhook URL').fill(receiver.url);
		await form.getByRole('button', { name: 'Schedule' }).click();
		expect(await form.getByRole('status').textContent()).toContain('Not scheduled (400: cron: a report is sent at most once an hour)');
		await form.getByLabel('When (cron, UTC)').fill('0 8 * * 1');
		await form.getByRole('button', { name: 'Schedule' }).click();
		const schedule = page.getByRole('article', { name: 'Scheduled report Monday stars' });
		await schedule.waitFor();
		expect(await schedule.textContent()).toContain('Not sent yet.');
		await schedule.getByRole('button', { name: 'Send now' }).click();
		const sent = schedule.locator('.delivery.sent');
		for (let i = 0; i < 100 && (await sent.count()) === 0; i++) await reloadHydrated(page);
		expect(await sent.textContent()).toContain(`${new URL(receiver.url).origin}/…: sent`);
		expect(receiver.received.map((r) => (r.body as { kind: string }).kind)).toEqual(['report']);
		// The errors the browser logs by itself: the refused schedule.
		expect(errors).toEqual([expect.stringContaining('400 (Bad Request)')]);
	});
});
