import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gotoHydrated, launchBrowser, openWatchedPage } from '../helpers/browser.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** PGlite only: the reads behind the page run on both backends in test/integration/anomalies.test.ts. */
const dayMs = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);
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
});
