import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBackends, gotoHydrated, launchBrowser, openWatchedPage, reloadHydrated } from '../helpers/browser.js';
import { WebhookReceiver } from '../helpers/receiver.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe.each(browserBackends)('the alerts page on %s', (backendName) => {
	let server: TestServer;
	let browser: Browser;
	let receiver: WebhookReceiver;
	const importCsv = (csv: string) =>
		fetch(`${server.url}/api/import?series=github:alert-e2e/repo:stars`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });

	beforeAll(async () => {
		receiver = await WebhookReceiver.start();
		[server, browser] = await Promise.all([startServer(backendName, { ALLOW_PRIVATE_WEBHOOKS: 'true', RUN_SCHEDULES: 'false' }), launchBrowser()]);
		expect((await importCsv('ts,value\n2026-01-01,500\n2026-02-01,800\n')).status).toBe(201);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await receiver?.close();
	});

	it('creates a rule through the page, backtests it, and shows the alert and the notification once data triggers it', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/alerts`);
		const form = page.getByRole('form', { name: 'New alert rule' });
		await form.getByLabel('Name', { exact: true }).fill('repo passes 1k');
		await form.getByLabel('Series or pattern').fill('github:alert-e2e/*:stars');
		await form.getByLabel('Value', { exact: true }).fill('700');
		await form.getByLabel('Webhook URL').fill(receiver.url);
		await form.getByRole('button', { name: 'Backtest on the last year' }).click();
		expect(await page.getByRole('region', { name: 'Backtest' }).textContent()).toContain('github:alert-e2e/repo:stars: fired on 2026-02-01');
		await form.getByLabel('Value', { exact: true }).fill('1000');
		await form.getByRole('button', { name: 'Save rule' }).click();
		const rule = page.getByRole('article', { name: 'Rule repo passes 1k' });
		await rule.waitFor();
		expect(await rule.textContent()).toContain('All its series are normal.');
		expect(await rule.textContent()).toContain('The pattern matches 1 series.');

		expect((await importCsv('ts,value\n2026-03-01,1200\n')).status).toBe(201);
		const firing = rule.locator('li[data-state="firing"]');
		for (let i = 0; i < 100 && (await firing.count()) === 0; i++) await reloadHydrated(page);
		expect(await firing.textContent()).toContain('github:alert-e2e/repo:stars at 1,200');
		for (let i = 0; i < 100 && receiver.received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
		expect(receiver.received.map((r) => (r.body as { kind: string; alert: { value: number } }).kind)).toEqual(['firing']);
		await reloadHydrated(page);
		expect(await page.getByRole('region', { name: 'History' }).textContent()).toMatch(/normal → firing.*firing:.*sent after 1 attempt/s);

		await rule.getByRole('button', { name: 'Send test notification' }).click();
		await page.getByRole('status').filter({ hasText: 'sent (HTTP 200)' }).waitFor();
		expect(receiver.received.map((r) => (r.body as { kind: string }).kind)).toEqual(['firing', 'test']);
		expect(errors).toEqual([]);
	});

	it('creates a "milestone ahead" rule that fires when the forecast expects the value within its window', async () => {
		// The last 30 days, 10 stars a day, relative to today: the forecast expects last + 20 two days after the last sample.
		const dayMs = 86_400_000;
		const today = Math.floor(Date.now() / dayMs) * dayMs;
		const rows = Array.from({ length: 30 }, (_, i) => `${new Date(today - (30 - i) * dayMs).toISOString().slice(0, 10)},${1_000 + 10 * i}`);
		const importEta = (csv: string) => fetch(`${server.url}/api/import?series=github:alert-eta/repo:stars`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
		expect((await importEta(`ts,value\n${rows.join('\n')}\n`)).status).toBe(201);
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/alerts`);
		const form = page.getByRole('form', { name: 'New alert rule' });
		await form.getByLabel('Name', { exact: true }).fill('1,310 ahead');
		await form.getByLabel('Series or pattern').fill('github:alert-eta/repo:stars');
		await form.getByLabel('Kind').selectOption('eta');
		await form.getByLabel('Value', { exact: true }).fill('1310');
		await form.getByLabel('Expected within (days)').fill('30');
		await form.getByRole('button', { name: 'Backtest on the last year' }).click();
		expect(await page.getByRole('region', { name: 'Backtest' }).textContent()).toContain('github:alert-eta/repo:stars: fired on');
		await form.getByRole('button', { name: 'Save rule' }).click();
		const rule = page.getByRole('article', { name: 'Rule 1,310 ahead' });
		await rule.waitFor();
		expect(await rule.textContent()).toContain('expected to reach 1,310 within 30 d (forecast)');
		// An import evaluates the rules.
		expect((await importEta(`ts,value\n${new Date(today).toISOString().slice(0, 10)},1300\n`)).status).toBe(201);
		const firing = rule.locator('li[data-state="firing"]');
		for (let i = 0; i < 100 && (await firing.count()) === 0; i++) await reloadHydrated(page);
		// 1,300 today, 10 a day: 1,310 is expected tomorrow (or is due, when the test runs across midnight UTC).
		expect(await firing.textContent()).toMatch(/github:alert-eta\/repo:stars(, expected in 1 day|, at or past the value),/);
		expect(errors).toEqual([]);
	});

	it('says what is wrong with a rule the server refuses', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/alerts`);
		const form = page.getByRole('form', { name: 'New alert rule' });
		await form.getByLabel('Name', { exact: true }).fill('bad');
		await form.getByLabel('Series or pattern').fill('gitlab:x/y:stars');
		await form.getByLabel('Value', { exact: true }).fill('1');
		await form.getByRole('button', { name: 'Save rule' }).click();
		expect(await page.getByRole('status').textContent()).toContain('Not saved (400: scope: unknown source "gitlab"');
		// The refused request is the one console error the browser logs by itself.
		expect(errors).toEqual([expect.stringContaining('400 (Bad Request)')]);
	});
});
