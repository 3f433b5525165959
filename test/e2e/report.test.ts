import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBackends, gotoHydrated, launchBrowser, openWatchedPage } from '../helpers/browser.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe.each(browserBackends)('the growth report page on %s', (backendName) => {
	let server: TestServer;
	let browser: Browser;

	beforeAll(async () => {
		const seed = async (database: Database) => {
			await seedSeries(database.db, 'report/e2e', 'stars', [['2020-01-01T00:00:00Z', 1000], ['2021-01-01T00:00:00Z', 2500]]);
		};
		[server, browser] = await Promise.all([startServer(backendName, {}, { seed }), launchBrowser()]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it("opens on the seed's table, in words and in numbers, with its sources", async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/report`);
		const statements = await page.getByRole('region', { name: 'Statements' }).getByRole('listitem').allTextContents();
		expect(statements).toContain('Docker Hub pulls grew 18,082% (x181.8) from 2.75M on 2014-06-09 to 500M on 2015-06-22');
		expect(statements).toContain('Docker Hub repositories grew 934% (x10.34) from 14.5K on 2014-06-09 to 150K on 2015-06-22');
		expect(await page.locator('tr[data-series="reference:dockerhub:pulls"] td.growth').textContent()).toBe('+18,082%');
		// The growth figures published as percentages only, beside the computed ones: all seven seed figures.
		expect(statements).toContain('Boot2Docker downloads grew 1,456% (x15.56) from 2014-06 to 2015-06, as published (no base value found)');
		expect(statements).toContain('Docker Hub users: 240K on 2015-06-22');
		const jobs = page.locator('tr[data-series="reference:docker-jobs:job_offers"]');
		expect(await jobs.locator('td.growth').textContent()).toBe('+1,720%');
		expect(await jobs.locator('td[data-published-only]').textContent()).toContain('as a percentage only: no base value');
		expect(await page.getByRole('region', { name: 'Sources' }).getByRole('link').first().getAttribute('href')).toMatch(/^https:\/\//);
		expect(errors).toEqual([]);
	});

	it('builds a report from the form, and its CSV parses back to the numbers shown', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/report`);
		const fields = page.getByRole('textbox', { name: /^Series \d+$/ });
		for (let i = 0; i < 5; i++) await fields.nth(i).fill('');
		await fields.nth(0).fill('github:report/e2e:stars');
		await page.getByLabel('From date').fill('2020-01-01');
		await page.getByLabel('To date').fill('2021-01-01');
		await page.getByRole('button', { name: 'Build report' }).click();
		await page.waitForURL(/series=github%3Areport%2Fe2e%3Astars/);
		expect(new URL(page.url()).searchParams.getAll('series').filter(Boolean)).toEqual(['github:report/e2e:stars']);
		expect(await page.getByRole('region', { name: 'Statements' }).textContent()).toContain(
			'report/e2e stars grew 150% (x2.5) from 1,000 on 2020-01-01 to 2,500 on 2021-01-01'
		);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
		expect(download.suggestedFilename()).toBe('dockpulse_report_2020-01-01_to_2021-01-01.csv');
		const csv = await (await fetch(`${server.url}${new URL(download.url()).pathname}${new URL(download.url()).search}`)).text();
		expect(parse(csv, { columns: true })).toEqual([expect.objectContaining({ series: 'github:report/e2e:stars', start_value: '1000', end_value: '2500', growth_percent: '150' })]);
		expect(errors).toEqual([]);
	});

	it('downloads the report bundle from the button: a zip of the report, its samples, a chart the browser parses, and metadata.json listing them', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/report?series=github:report/e2e:stars&from=2020-01-01&to=2021-01-01`);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download bundle (.zip)' }).click()]);
		expect(download.suggestedFilename()).toBe('dockpulse_report_2020-01-01_to_2021-01-01.zip');
		const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
		expect(Object.keys(entries)).toEqual(['report.csv', 'report.json', 'data.csv', 'chart.svg', 'README.txt', 'metadata.json']);
		const data = parse(strFromU8(entries['data.csv']!), { columns: true }) as Record<string, string>[];
		expect(data.map((r) => [r.ts, r.value])).toEqual([
			['2020-01-01T00:00:00.000Z', '1000'],
			['2021-01-01T00:00:00.000Z', '2500']
		]);
		const metadata = JSON.parse(strFromU8(entries['metadata.json']!)) as { files: { name: string }[] };
		expect(metadata.files.map((f) => f.name)).toEqual(['report.csv', 'report.json', 'data.csv', 'chart.svg', 'README.txt']);
		// Chromium's XML parser: a malformed document comes back holding a <parsererror> element.
		const parsed = await page.evaluate((svg) => {
			const document = new DOMParser().parseFromString(svg, 'image/svg+xml');
			return { root: document.documentElement.nodeName, hasError: document.getElementsByTagName('parsererror').length > 0, lines: document.querySelectorAll('g.series path').length };
		}, strFromU8(entries['chart.svg']!));
		expect(parsed).toEqual({ root: 'svg', hasError: false, lines: 1 });
		expect(errors).toEqual([]);
	});

	it('shows a bad parameter as a clear message, and fits a phone without sideways scrolling', async () => {
		const { page, errors } = await openWatchedPage(browser, { width: 375 });
		await gotoHydrated(page, `${server.url}/report?series=github:report/e2e:stars&preset=fortnight`);
		expect(await page.getByRole('alert').textContent()).toContain('preset: expected one of 30d, 90d, 1y, ytd');
		await gotoHydrated(page, `${server.url}/report`);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		expect(errors).toEqual([]);
	});
});
