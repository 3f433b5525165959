import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gotoHydrated, launchBrowser, openWatchedPage } from '../helpers/browser.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** PGlite only: the reads behind the page run on both backends in test/integration/anomalies.test.ts. */
const dayMs = 86_400_000;
// Ending today, so that the alerts page's backtest (the last year) always covers the spike.
const t0 = Math.floor(Date.now() / dayMs) * dayMs - 79 * dayMs;
const spikeDay = 70;
const spikeDate = new Date(t0 + spikeDay * dayMs).toISOString().slice(0, 10);
const series = 'github:e2e/spiky:stars';

/** 80 days of +100 a day, but +500 on day 70: 0.6745 x 400 / 5 (the MAD floored at 5% of 100) = 53.96. */
const samples: [string, number][] = Array.from({ length: 80 }, (_, i) => [new Date(t0 + i * dayMs).toISOString(), 100 * i + (i >= spikeDay ? 400 : 0)]);

describe('the explorer marks an anomaly spike', () => {
	let server: TestServer;
	let browser: Browser;

	beforeAll(async () => {
		[server, browser] = await Promise.all([
			startServer('pglite', { RUN_SCHEDULES: 'false', CATCH_UP_ON_START: 'false', DEFAULT_WATCHLIST: 'false' }, { seed: ({ db }) => seedSeries(db, 'e2e/spiky', 'stars', samples).then(() => undefined) }),
			launchBrowser()
		]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('draws the spike as a flagged point named in the legend, the table and the tooltip with its score', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=${encodeURIComponent(series)}&interval=day&view=both&range=all`);
		const canvas = page.locator('canvas[data-ready="true"]');
		await canvas.waitFor();
		expect(await canvas.getAttribute('data-anomaly-count')).toBe('1');
		expect(await page.getByTestId('anomaly-note').textContent()).toContain('1 point with a day whose change is unusual');
		const flagged = await page.locator('table tbody tr').evaluateAll((rows) =>
			rows.flatMap((row) => {
				const flags = row.querySelectorAll('td')[3]!.textContent;
				return flags ? [[row.querySelector('time')!.getAttribute('datetime')!.slice(0, 10), flags]] : [];
			})
		);
		expect(flagged).toEqual([[spikeDate, 'spike']]);
		const box = (await canvas.boundingBox())!;
		const tooltip = page.getByTestId('tooltip-text');
		for (let x = box.x + box.width * 0.5; x < box.x + box.width; x += 3) {
			await page.mouse.move(x, box.y + box.height / 2);
			if ((await tooltip.textContent())!.startsWith(spikeDate)) break;
		}
		const value = (100 * spikeDay + 400).toLocaleString('en');
		expect(await tooltip.textContent()).toBe(`${spikeDate} · e2e/spiky · stars: ${value} · provenance: observed · flagged: spike · spike on ${spikeDate} (score 54.0)`);
		expect(errors).toEqual([]);
	});

	it('takes an anomaly rule on the alerts page: backtested to the day after the spike, then saved', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/alerts`);
		const form = page.getByRole('form', { name: 'New alert rule' });
		await form.getByLabel('Name', { exact: true }).fill('spikes');
		await form.getByLabel('Series or pattern').fill(series);
		await form.getByRole('combobox', { name: /^Kind/ }).selectOption('anomaly');
		await form.getByRole('combobox', { name: /^Fires on/ }).selectOption('spike');
		expect(await form.getByLabel('Smallest score', { exact: true }).inputValue()).toBe('3.5');
		await form.getByRole('button', { name: 'Backtest on the last year' }).click();
		// Evaluated at the end of each day, a rule judges the day before: the spike's day fires the next one.
		const dayAfter = new Date(t0 + (spikeDay + 1) * dayMs).toISOString().slice(0, 10);
		expect(await page.getByRole('region', { name: 'Backtest' }).textContent()).toContain(`${series}: fired on ${dayAfter}`);
		await form.getByRole('button', { name: 'Save rule' }).click();
		const rule = page.getByRole('article', { name: 'Rule spikes' });
		await rule.waitFor();
		expect(await rule.textContent()).toContain('latest day a spike, score past 3.5');
		expect(errors).toEqual([]);
	});
});
