import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBackends, gotoHydrated, launchBrowser, openScriptlessPage, openWatchedPage } from '../helpers/browser.js';
import { seedLinkedPair } from '../helpers/linked-pair.js';
import { startServer, type TestServer } from '../helpers/server.js';

const pullsPerStar = 'derived:dockerhub:acme/app:pulls_per_star';

describe.each(browserBackends)('image and repository pairs in the dashboard on %s', (backend) => {
	let server: TestServer;
	let browser: Browser;

	beforeAll(async () => {
		// Open local mode (no ADMIN_TOKEN): the browser on 127.0.0.1 may write, as the targets page tests do.
		[server, browser] = await Promise.all([startServer(backend, { RUN_SCHEDULES: 'false' }, { seed: (database) => seedLinkedPair(database.db) }), launchBrowser()]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('links a suggested pair on the targets page and shows both sides with the derived ratios', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		const pairs = page.getByRole('region', { name: 'Images and their repositories' });
		expect(await pairs.textContent()).toContain('No pairs yet.');
		const suggestion = pairs.locator('li[data-suggestion="dockerhub:acme/app"]');
		expect(await suggestion.textContent()).toContain("named in the image's Docker Hub description");
		await suggestion.getByRole('button', { name: 'Link dockerhub:acme/app and github:Acme/App' }).click();
		const row = pairs.locator('tr[data-pair="dockerhub:acme/app"]');
		await row.waitFor();
		expect(await pairs.getByRole('status').textContent()).toContain('Linked dockerhub:acme/app and github:Acme/App');
		// Latest pulls 3,000 (4 January) over the stars (30) and contributors (5) of that day.
		expect(await row.locator('td.num').allTextContents()).toEqual(['3,000', '30', '5', '100', '600']);
		expect(await row.locator('td[data-ratio="pulls_per_star"] a').getAttribute('href')).toContain(encodeURIComponent(pullsPerStar));
		expect(await pairs.locator('li[data-suggestion="dockerhub:acme/app"]').count()).toBe(0);
		expect(errors).toEqual([]);
	});

	it('fits a 375-pixel phone with the pairs, their suggestions and the link form', async () => {
		const { page, errors } = await openWatchedPage(browser, { width: 375 });
		await gotoHydrated(page, `${server.url}/targets`);
		await page.locator('tr[data-pair="dockerhub:acme/app"]').waitFor();
		expect(await page.locator('li[data-suggestion="dockerhub:acme/other"]').count()).toBe(1);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		expect(errors).toEqual([]);
	});

	it('lists the derived series in the explorer picker and draws it', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=dockerhub:acme/app:pulls&range=all`);
		await page.getByLabel('Add series').fill('acme per star');
		await page.getByRole('button', { name: /pulls_per_star/ }).click();
		await page.waitForURL((url) => url.searchParams.getAll('series').includes(pullsPerStar));
		await page.waitForFunction(() => document.querySelector('canvas[data-ready="true"]')?.getAttribute('data-point-counts')?.split(',').length === 2);
		expect(errors).toEqual([]);
	});

	it('unlinks without JavaScript, and the target page then offers the pair as a suggestion again', async () => {
		const page = await openScriptlessPage(browser);
		await page.goto(`${server.url}/targets/dockerhub:acme/app`);
		const pairs = page.getByRole('region', { name: 'Images and their repositories' });
		await pairs.getByRole('button', { name: 'Unlink dockerhub:acme/app and github:Acme/App' }).click();
		await page.waitForLoadState('domcontentloaded');
		expect(await pairs.getByRole('status').textContent()).toContain('Unlinked dockerhub:acme/app and github:Acme/App');
		expect(await page.locator('li[data-suggestion="dockerhub:acme/app"]').count()).toBe(1);
		expect(await page.locator('tr[data-pair]').count()).toBe(0);
		const gone = await page.request.get(`${server.url}/api/series?series=${pullsPerStar}`);
		expect(gone.status()).toBe(404);
	});
});
