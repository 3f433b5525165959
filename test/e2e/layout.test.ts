import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gotoHydrated, launchBrowser, openWatchedPage } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe('the dashboard shell', () => {
	let server: TestServer;
	let browser: Browser;

	beforeAll(async () => {
		[server, browser] = await Promise.all([startServer('pglite'), launchBrowser()]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('links every page from the header and marks the current one', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		const nav = page.getByRole('navigation', { name: 'Main' });
		expect(await nav.getByRole('link').allTextContents()).toEqual(['Overview', 'Explore', 'Targets', 'Report', 'Alerts', 'Health']);
		expect(await nav.locator('[aria-current="page"]').textContent()).toBe('Targets');
		expect(errors).toEqual([]);
	});
});
