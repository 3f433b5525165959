import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gotoHydrated, launchBrowser, openWatchedPage } from '../helpers/browser.js';
import { growing, growingDayMs, seedDashboard } from '../helpers/dashboard-seed.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** PGlite only: the page adds nothing to the reads that test/integration/forecast.test.ts runs on both backends. */
const enc = encodeURIComponent;
const horizonDays = 90;

describe('the explorer draws a projection with forecast=<days>', () => {
	let server: TestServer;
	let browser: Browser;
	let seededAtMs: number;

	beforeAll(async () => {
		seededAtMs = Date.now();
		[server, browser] = await Promise.all([startServer('pglite', {}, { seed: (db) => seedDashboard(db, seededAtMs) }), launchBrowser()]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('continues a counter as a dashed line to the horizon, its tooltip saying it is projected', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=${enc(growing.series)}&interval=day&forecast=${horizonDays}`);
		const canvas = page.locator('canvas[data-ready="true"]');
		await canvas.waitFor();
		expect(await canvas.getAttribute('data-forecast-count')).toBe('1');
		expect(await page.getByTestId('forecast-note').textContent()).toContain(`projected ${horizonDays} days`);
		expect(await page.getByTestId('forecast-note').locator('a').getAttribute('href')).toBe(`/api/forecast?series=${enc(growing.series)}&horizon=${horizonDays}`);
		// The growing series adds 10 a day, so its projection is exact: the last day is 90 days after the last sample.
		const lastDay = growingDayMs(growing.days - 1 + horizonDays, seededAtMs);
		const expected = `${new Date(lastDay).toISOString().slice(0, 10)} · Growing (test) · stars · projected: ${growing.valueOn(growing.days - 1 + horizonDays).toLocaleString('en')} · projected (forecast)`;
		const box = (await canvas.boundingBox())!;
		const tooltip = page.getByTestId('tooltip-text');
		for (let x = box.x + box.width - 1; x > box.x + box.width / 2; x -= 4) {
			await page.mouse.move(x, box.y + box.height / 2);
			if ((await tooltip.textContent())!.includes('projected')) break;
		}
		expect(await tooltip.textContent()).toBe(expected);
		expect(errors).toEqual([]);
	});

	it('draws none, and says why, for a transform other than value', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=${enc(growing.series)}&transform=delta&forecast=30`);
		const canvas = page.locator('canvas[data-ready="true"]');
		await canvas.waitFor();
		expect(await canvas.getAttribute('data-forecast-count')).toBe('0');
		expect(await page.getByTestId('forecast-note').textContent()).toContain('choose the value transform');
		expect(errors).toEqual([]);
	});

	it('names a bad forecast parameter instead of drawing', async () => {
		const { page } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=${enc(growing.series)}&forecast=0`);
		expect(await page.getByRole('alert').textContent()).toContain('forecast');
	});
});
