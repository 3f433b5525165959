import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserBackends, gotoHydrated, launchBrowser, openScriptlessPage, openWatchedPage } from '../helpers/browser.js';
import { growing, growingDayMs, seedDashboard } from '../helpers/dashboard-seed.js';
import { startServer, type TestServer } from '../helpers/server.js';

const featured = `${growing.series},github:moby/moby:stars`;
const enc = encodeURIComponent;

/** The canvas's drawn point counts once chart.js has drawn, one number per series. */
async function readPointCounts(page: Page): Promise<number[]> {
	const canvas = page.locator('canvas[data-ready="true"]').first();
	await canvas.waitFor();
	return (await canvas.getAttribute('data-point-counts'))!.split(',').map(Number);
}

async function readTable(page: Page) {
	return page.locator('table tbody tr').evaluateAll((rows) =>
		rows.map((row) => ({
			series: row.getAttribute('data-series'),
			date: row.querySelector('time')!.getAttribute('datetime')!.slice(0, 10),
			value: row.querySelector('td[data-value]')!.getAttribute('data-value'),
			provenance: row.querySelectorAll('td')[2]!.textContent,
			flags: row.querySelectorAll('td')[3]!.textContent
		}))
	);
}

describe.each(browserBackends)('the explorer on %s', (backend) => {
	let server: TestServer;
	let browser: Browser;
	let seededAtMs: number;

	beforeAll(async () => {
		seededAtMs = Date.now();
		[server, browser] = await Promise.all([
			startServer(backend, { FEATURED_SERIES: featured }, { seed: (db) => seedDashboard(db, seededAtMs) }),
			launchBrowser()
		]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('opens on the featured series, charted, with their events', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore`);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Explore');
		expect(await page.locator('.chips li span').allTextContents()).toEqual(['Growing (test) · stars', 'moby/moby · stars']);
		const counts = await readPointCounts(page);
		expect(counts).toHaveLength(2);
		expect(counts.every((n) => n > 0)).toBe(true);
		expect(await page.locator('.events li').allTextContents()).toContainEqual(expect.stringContaining(growing.releaseLabel));
		expect(await page.locator('canvas').getAttribute('data-event-count')).not.toBe('0');
		expect(errors).toEqual([]);
	});

	it('reproduces a view from its URL: controls, chart and table agree with the seeded data', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=${enc(growing.series)}&interval=month&view=both&range=all`);
		expect(await page.locator('select[name="interval"]').inputValue()).toBe('month');
		expect(await page.locator('select[name="view"]').inputValue()).toBe('both');
		const lastOfMonth = new Map<string, number>();
		for (let i = 0; i < growing.days; i++) lastOfMonth.set(new Date(growingDayMs(i, seededAtMs)).toISOString().slice(0, 7), growing.valueOn(i));
		const rows = await readTable(page);
		expect(rows.map((r) => [r.date.slice(0, 7), Number(r.value)])).toEqual([...lastOfMonth]);
		expect(await readPointCounts(page)).toEqual([lastOfMonth.size]);
		// Provenance and flags, as the tooltip gives them, are in the table too.
		expect(new Set(rows.map((r) => r.provenance))).toEqual(new Set(['observed']));
		// The decrease is also an anomaly drop, and the catch-up the day after it a spike (both scored
		// 10.1 against days of exactly +10, see metrics/anomalies.ts); each marks its month.
		const monthOf = (dayIndex: number) => new Date(growingDayMs(dayIndex, seededAtMs)).toISOString().slice(0, 7);
		const flaggedMonth = monthOf(growing.flaggedDayIndex);
		const spikeMonth = monthOf(growing.flaggedDayIndex + 1);
		const expectedFlags =
			spikeMonth === flaggedMonth
				? [[flaggedMonth, 'decrease, drop, spike']]
				: [
						[flaggedMonth, 'decrease, drop'],
						[spikeMonth, 'spike']
					];
		expect(rows.filter((r) => r.flags !== '').map((r) => [r.date.slice(0, 7), r.flags])).toEqual(expectedFlags);
		expect(await page.locator('figcaption').textContent()).toContain('1 flagged point');
		// Hovering the flagged point shows its date, exact value, provenance, flags and anomaly scores in the tooltip.
		const canvas = page.locator('canvas');
		const box = (await canvas.boundingBox())!;
		const flaggedIndex = [...lastOfMonth.keys()].indexOf(flaggedMonth);
		const tooltip = page.getByTestId('tooltip-text');
		for (let x = box.x + box.width * 0.05; x < box.x + box.width; x += 4) {
			await page.mouse.move(x, box.y + box.height / 2);
			if ((await tooltip.textContent())!.startsWith(rows[flaggedIndex]!.date)) break;
		}
		const flaggedValue = Number(rows[flaggedIndex]!.value).toLocaleString('en');
		const day = (dayIndex: number) => new Date(growingDayMs(dayIndex, seededAtMs)).toISOString().slice(0, 10);
		const anomalies = [`drop on ${day(growing.flaggedDayIndex)} (score -10.1)`, ...(spikeMonth === flaggedMonth ? [`spike on ${day(growing.flaggedDayIndex + 1)} (score 10.1)`] : [])];
		expect(await tooltip.textContent()).toBe(
			[`${rows[flaggedIndex]!.date} · Growing (test) · stars: ${flaggedValue} · provenance: observed · flagged: ${expectedFlags[0]![1]}`, ...anomalies].join(' · ')
		);
		expect(errors).toEqual([]);
	});

	it('changes the numbers with transforms and the axis with the log scale', async () => {
		const { page, errors } = await openWatchedPage(browser);
		const base = `${server.url}/explore?series=${enc(growing.series)}&view=both&interval=day`;
		await gotoHydrated(page, `${base}&transform=delta&range=30d`);
		expect((await readTable(page)).map((r) => r.value)).toEqual(Array(30).fill('10'));
		await gotoHydrated(page, `${base}&transform=index`);
		expect((await readTable(page))[0]!.value).toBe('100');
		expect(await page.locator('select[name="transform"]').inputValue()).toBe('index');
		await gotoHydrated(page, `${base}&log=true&series=${enc('github:moby/moby:stars')}`);
		await readPointCounts(page);
		expect(await page.locator('input[name="log"]').isChecked()).toBe(true);
		expect(await page.locator('canvas').getAttribute('data-y-scale')).toBe('logarithmic');
		// Imported history is drawn differently from observed points, and the legend says so.
		expect(await page.locator('figcaption').textContent()).toContain('imported or reconstructed');
		expect(new Set((await readTable(page)).map((r) => r.provenance))).toEqual(new Set(['observed', 'imported']));
		// Choosing share draws each series as a percent of the drawn basket: the shares at a shared month sum to 100.
		await gotoHydrated(page, `${server.url}/explore?series=${enc(growing.series)}&series=${enc('github:moby/moby:stars')}&view=both&interval=month`);
		await page.locator('select[name="transform"]').selectOption('share');
		await page.waitForURL(/transform=share/);
		await page.locator('table tbody td[data-value]', { hasText: '%' }).first().waitFor();
		const byMonth = new Map<string, number[]>();
		for (const r of await readTable(page)) byMonth.set(r.date, [...(byMonth.get(r.date) ?? []), Number(r.value)]);
		const shared = [...byMonth.values()].filter((shares) => shares.length === 2);
		expect(shared.length).toBeGreaterThan(0);
		for (const shares of shared) expect(Math.abs(shares[0]! + shares[1]! - 100)).toBeLessThanOrEqual(1e-9);
		// moby/moby's recorded history ends before the growing series does: the page says those months are shares of fewer series.
		expect(await page.locator('[data-basket-partial]').getAttribute('data-basket-partial')).toBe('true');
		expect(errors).toEqual([]);
	});

	it('navigates to a new URL when a control changes', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=${enc(growing.series)}`);
		await readPointCounts(page);
		const [dataRequest] = await Promise.all([
			page.waitForRequest((r) => r.url().includes('__data.json')),
			page.locator('select[name="interval"]').selectOption('week')
		]);
		await page.waitForURL(/interval=week/);
		// No list of every series is sent with the page: its data names only the drawn series.
		const data = await page.request.get(dataRequest.url());
		expect(await data.text()).toContain('Growing (test)');
		expect(await data.text()).not.toContain('falcosecurity/falco');
		const chartId = await page.locator('canvas').getAttribute('data-chart-id');
		await page.locator('input[name="log"]').check();
		await page.waitForURL(/log=true/);
		await page.locator('canvas[data-y-scale="logarithmic"]').waitFor();
		await page.locator('input[name="align"]').check();
		await page.waitForURL(/align=true/);
		// The same chart.js instance, updated in place rather than rebuilt.
		expect(await page.locator('canvas').getAttribute('data-chart-id')).toBe(chartId);
		expect(new URL(page.url()).searchParams.getAll('series')).toEqual([growing.series]);
		// Series to add are searched on the server as the analyst types.
		await page.getByLabel('Add series').fill('no such thing');
		await page.getByText('No series matches “no such thing”.').waitFor();
		const [search] = await Promise.all([
			page.waitForRequest((r) => r.url().includes('/api/series/search?q=falco+pulls')),
			page.getByLabel('Add series').fill('falco pulls')
		]);
		expect((await search.response())?.status()).toBe(200);
		await page.getByRole('button', { name: /falcosecurity\/falco/ }).click();
		await page.waitForURL(/falco/);
		await page.waitForFunction(() => document.querySelector('canvas')?.getAttribute('data-point-counts')?.split(',').length === 2);
		expect(errors).toEqual([]);
	});

	it('explains a bad URL parameter and links back to the default view', async () => {
		const { page, errors } = await openWatchedPage(browser);
		for (const [query, parameter] of [
			['interval=fortnight', 'interval'],
			['series=nonsense', 'series'],
			['from=yesterday', 'from'],
			['series=github:no/such:stars', 'series']
		]) {
			const response = await gotoHydrated(page, `${server.url}/explore?${query}`);
			expect(response!.status()).toBe(200);
			const alert = page.getByRole('alert');
			expect(await alert.textContent()).toContain(`URL parameter ${parameter} is not valid`);
			expect(await alert.getByRole('link', { name: 'Back to the default view' }).getAttribute('href')).toBe('/explore');
		}
		expect(errors).toEqual([]);
	});

	it('downloads the chart as a PNG named after its contents', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=${enc(growing.series)}&interval=week`);
		await readPointCounts(page);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download PNG' }).click()]);
		expect(download.suggestedFilename()).toBe('dockpulse_github-e2e-growing-stars_week_value_start_to_today.png');
		const bytes = readFileSync((await download.path())!);
		expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		expect(errors).toEqual([]);
	});

	it('downloads the view as CSV that parses back to the numbers of its data table', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=${enc(growing.series)}&interval=month&transform=delta&view=both`);
		const table = await readTable(page);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
		const rows = parse(readFileSync((await download.path())!, 'utf8'), { columns: true }) as { ts: string; value: string }[];
		expect(rows.map((r) => r.ts.slice(0, 10))).toEqual(table.map((r) => r.date));
		expect(rows.map((r) => r.value)).toEqual(table.map((r) => r.value));
		expect(download.suggestedFilename()).toMatch(/^dockpulse_github_e2e_growing_stars_month_delta_.*_long\.csv$/);
		expect(errors).toEqual([]);
	});

	it('adds a manual event and shows it with the chart', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=${enc(growing.series)}&range=90d`);
		await readPointCounts(page);
		const before = Number(await page.locator('canvas').getAttribute('data-event-count'));
		const date = new Date(growingDayMs(380, seededAtMs)).toISOString().slice(0, 10);
		await page.locator('form.add input[name="date"]').fill(date);
		await page.locator('form.add input[name="label"]').fill('Launch party');
		await page.locator('form.add select[name="target"]').selectOption(growing.target);
		await page.getByRole('button', { name: 'Add event' }).click();
		await page.locator('.events li', { hasText: 'Launch party' }).waitFor();
		expect(await page.locator('.events li', { hasText: 'Launch party' }).textContent()).toContain(date);
		expect(Number(await page.locator('canvas').getAttribute('data-event-count'))).toBe(before + 1);
		await page.getByRole('button', { name: 'Remove event Launch party' }).click();
		await page.locator('.events li', { hasText: 'Launch party' }).waitFor({ state: 'detached' });
		expect(Number(await page.locator('canvas').getAttribute('data-event-count'))).toBe(before);
		// A label of spaces passes the browser's check but not the API's: its message is shown.
		await page.locator('form.add input[name="label"]').fill('   ');
		await page.getByRole('button', { name: 'Add event' }).click();
		expect(await page.locator('.problem[role="alert"]').textContent()).toBe('Not added (400): label: give the event a label');
		// Chromium logs the refused request itself; nothing else may be logged.
		expect(errors).toEqual([expect.stringContaining('status of 400')]);
	});

	it('works without JavaScript: the table is rendered on the server and Apply submits the controls', async () => {
		const page = await openScriptlessPage(browser);
		await gotoHydrated(page, `${server.url}/explore?series=${enc(growing.series)}&view=table&interval=day&range=30d`);
		expect(await page.locator('table tbody tr').count()).toBe(30);
		await page.locator('select[name="interval"]').selectOption('week');
		await page.getByRole('button', { name: 'Apply' }).click();
		await page.waitForURL(/interval=week/);
		const url = new URL(page.url());
		expect([url.searchParams.getAll('series'), url.searchParams.get('view')]).toEqual([[growing.series], 'table']);
		const weeks = await page.locator('table tbody tr').count();
		expect(weeks).toBeGreaterThanOrEqual(5);
		expect(weeks).toBeLessThanOrEqual(6);
		await page.context().close();
	});

	it('fits a 375-pixel phone without sideways scrolling', async () => {
		const { page, errors } = await openWatchedPage(browser, { width: 375 });
		await gotoHydrated(page, `${server.url}/explore`);
		await readPointCounts(page);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		expect(errors).toEqual([]);
	});
});
