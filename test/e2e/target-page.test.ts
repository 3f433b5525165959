import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBackends, gotoHydrated, launchBrowser, openWatchedPage } from '../helpers/browser.js';
import { growing, seedDashboard } from '../helpers/dashboard-seed.js';
import { startServer, type TestServer } from '../helpers/server.js';


describe.each(browserBackends)('the per-target page on %s', (backend) => {
	let server: TestServer;
	let browser: Browser;

	beforeAll(async () => {
		[server, browser] = await Promise.all([
			startServer(backend, { FEATURED_SERIES: `${growing.series},github:moby/moby:stars` }, { seed: seedDashboard }),
			launchBrowser()
		]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('shows the target, its status, every series charted, its events and a link to the explorer', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets/${growing.target}`);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Growing (test)');
		expect(await page.locator('.head code').textContent()).toBe(growing.target);
		expect((await page.getByTestId('status').textContent())!.trim()).toBe('OK');
		expect(await page.locator('dd').nth(1).textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
		const canvas = page.locator('canvas[data-ready="true"]');
		await canvas.first().waitFor();
		expect(await canvas.count()).toBe(1);
		// Month buckets over 400 days: 14 or 15 of them, each drawn.
		const counts = Number(await canvas.getAttribute('data-point-counts'));
		expect(counts).toBeGreaterThanOrEqual(14);
		expect(counts).toBeLessThanOrEqual(15);
		expect(await page.locator('.events li').allTextContents()).toContainEqual(expect.stringContaining(growing.releaseLabel));
		const href = await page.getByRole('link', { name: 'Open in explorer' }).getAttribute('href');
		expect(new URL(href!, server.url).searchParams.getAll('series')).toEqual([growing.series]);
		expect(errors).toEqual([]);
	});

	it('keeps range and interval in the URL', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets/${growing.target}?interval=day&range=30d`);
		await page.locator('canvas[data-ready="true"]').waitFor();
		expect(await page.locator('canvas').getAttribute('data-point-counts')).toBe('30');
		expect(await page.locator('select[name="interval"]').inputValue()).toBe('day');
		await page.locator('select[name="interval"]').selectOption('week');
		await page.waitForURL(/interval=week/);
		expect(new URL(page.url()).searchParams.get('range')).toBe('30d');
		expect(errors).toEqual([]);
	});

	it('charts an imported history in the target of a real project', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets/github:moby/moby`);
		await page.locator('canvas[data-ready="true"]').waitFor();
		expect(await page.locator('section.series h2').allTextContents()).toEqual([expect.stringMatching(/^stars/)]);
		expect(await page.locator('figcaption').textContent()).toContain('imported or reconstructed');
		expect(errors).toEqual([]);
	});

	it('answers an unknown target with a 404 page that says so', async () => {
		const { page, errors } = await openWatchedPage(browser);
		const response = await gotoHydrated(page, `${server.url}/targets/github:no/such`);
		expect(response!.status()).toBe(404);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Target not found');
		expect(await page.getByRole('alert').textContent()).toContain('No target "github:no/such" is tracked');
		// Chromium itself logs the document's 404 status as a console error; nothing else may be logged.
		expect(errors).toEqual([expect.stringContaining('Failed to load resource: the server responded with a status of 404')]);
	});

	it('explains a bad URL parameter', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets/${growing.target}?interval=fortnight`);
		expect(await page.getByRole('alert').textContent()).toContain('URL parameter interval is not valid');
		expect(errors).toEqual([]);
	});
});
