import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCount, formatDate, formatMultiplier, formatPercent } from '../../src/lib/format.js';
import { browserBackends, gotoHydrated, launchBrowser, openScriptlessPage, openWatchedPage } from '../helpers/browser.js';
import { growing, growingDayMs, seedDashboard, utcMidnight } from '../helpers/dashboard-seed.js';
import { startServer, type TestServer } from '../helpers/server.js';

const dayMs = 86_400_000;
const growingCard = `article[data-series="${growing.series}"]`;
const mobyCard = 'article[data-series="github:moby/moby:stars"]';

/**
 * What the growing series' card should say for a window starting at startMs, from the seed's formula:
 * the base is the daily sample at or before the start (samples sit at UTC midnight), the latest is today's.
 */
function expectedGrowingText(startMs: number, nowMs = Date.now()) {
	const lastIndex = growing.days - 1;
	const baseIndex = lastIndex - Math.round((utcMidnight(nowMs) - utcMidnight(startMs)) / dayMs);
	const base = growing.valueOn(baseIndex);
	const latest = growing.valueOn(lastIndex);
	return {
		latest: formatCount(latest),
		figure: `${formatPercent(((latest - base) / base) * 100)} (${formatMultiplier(latest / base)})`,
		since: `since ${formatDate(growingDayMs(baseIndex, nowMs))}`
	};
}

function oneYearBefore(ms: number): number {
	const date = new Date(ms);
	date.setUTCFullYear(date.getUTCFullYear() - 1);
	return date.getTime();
}

async function readCard(page: Page, selector: string) {
	const card = page.locator(selector);
	return {
		latest: (await card.locator('.latest').textContent())?.trim(),
		figure: (await card.locator('.figure').textContent())?.trim(),
		since: (await card.locator('.since').textContent())?.replace(/\s+/g, ' ').trim()
	};
}

describe.each(browserBackends)('the overview page on %s', (backend) => {
	let server: TestServer;
	let browser: Browser;

	beforeAll(async () => {
		[server, browser] = await Promise.all([
			startServer(backend, { FEATURED_SERIES: 'github:e2e/growing:stars,github:moby/moby:stars' }, { seed: (database) => seedDashboard(database) }),
			launchBrowser()
		]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('shows growth over one year by default, with the date of the base sample', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/`);
		expect(await readCard(page, growingCard)).toEqual(expectedGrowingText(oneYearBefore(Date.now())));
		expect(await page.locator(`${growingCard} svg[role="img"] path`).count()).toBeGreaterThan(0);
		// The seed grows 10 stars a day from 1,000, so its latest 4,990 passes 5,000 the next day.
		const etaMonth = formatDate(growingDayMs(growing.days - 1) + dayMs).slice(0, 7);
		const eta = page.locator(`${growingCard} .eta`);
		expect((await eta.textContent())?.replace(/\s+/g, ' ').trim()).toBe(`${formatCount(5_000)} stars expected ${etaMonth} (${etaMonth}..${etaMonth})`);
		expect(await eta.getAttribute('title')).toContain('damped linear trend on daily deltas');
		expect(await page.locator(`${mobyCard} .figure`).textContent()).toMatch(/^[+−]?[\d,.]+% \(x[\d.]+\)$/);
		expect(await page.locator(`${growingCard} a`).first().getAttribute('href')).toMatch(/^\/explore\?series=github%3Ae2e%2Fgrowing%3Astars&from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
		expect(errors).toEqual([]);
	});

	it('switches to 30 days from the window picker, where moby/moby has no data', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/`);
		await page.getByRole('button', { name: '30 days' }).click();
		await page.waitForURL(/window=30d/);
		await expect.poll(() => page.getByRole('button', { name: '30 days' }).getAttribute('aria-pressed')).toBe('true');
		expect(await readCard(page, growingCard)).toEqual(expectedGrowingText(Date.now() - 30 * dayMs));
		expect(await page.locator(mobyCard).textContent()).toContain('no data in this window (last sample 2026-08-22)');
		expect(errors).toEqual([]);
	});

	it('switches windows without JavaScript too: the picker is a plain GET form', async () => {
		const page = await openScriptlessPage(browser);
		try {
			await gotoHydrated(page, `${server.url}/`);
			await page.getByRole('button', { name: '90 days' }).click();
			await page.waitForURL(/\?window=90d$/);
			expect(await readCard(page, growingCard)).toEqual(expectedGrowingText(Date.now() - 90 * dayMs));
			const from = formatDate(growingDayMs(200));
			await page.locator('input[name="from"]').fill(from);
			await page.getByRole('button', { name: 'Apply dates' }).click();
			await page.waitForURL(new RegExp(`window=custom&from=${from}&to=`));
			expect(await readCard(page, growingCard)).toEqual(expectedGrowingText(growingDayMs(200)));
		} finally {
			await page.context().close();
		}
	});

	it('reads a year-to-date window and a custom one from the URL', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/?window=ytd`);
		const now = new Date();
		expect(await readCard(page, growingCard)).toEqual(expectedGrowingText(Date.UTC(now.getUTCFullYear(), 0, 1)));
		const from = formatDate(growingDayMs(100));
		await gotoHydrated(page, `${server.url}/?window=custom&from=${from}`);
		expect(await readCard(page, growingCard)).toEqual(expectedGrowingText(growingDayMs(100)));
		expect(errors).toEqual([]);
	});

	it('lists the top movers with base and latest values', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/`);
		const byPercent = page.locator('table', { has: page.locator('caption', { hasText: 'By growth %' }) });
		const first = byPercent.locator('tbody tr').first();
		expect(await first.getAttribute('data-series')).toBe(growing.series);
		const text = expectedGrowingText(oneYearBefore(Date.now()));
		expect(await first.textContent()).toContain(text.figure.split(' ')[0]);
		expect(await byPercent.locator('tbody tr[data-series="github:moby/moby:stars"]').count()).toBe(1);
		expect(errors).toEqual([]);
	});

	it('shows the reference figures of 2014-2015 with clickable citations', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/`);
		const pulls = page.locator('li[data-series="reference:dockerhub:pulls"]');
		expect((await pulls.locator('.summary').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
			'+18,082% (x181.8) from 2.75M on 2014-06-09 to 500M on 2015-06-22'
		);
		expect(await pulls.locator('a[href="https://www.slideshare.net/slideshow/docker-con-keynote-v11-1/35805816"]').count()).toBe(1);
		expect(await page.locator('li[data-series="reference:docker-project:contributors"] .summary').textContent()).toContain('+183% (x2.83)');
		const boot2docker = page.locator('li[data-series="reference:boot2docker:downloads"]');
		expect((await boot2docker.locator('.summary').textContent())?.replace(/\s+/g, ' ').trim()).toBe('+1,456% (x15.56) from 2014-06 to 2015-06, no base value');
		expect(await boot2docker.locator('.citations').textContent()).toContain('(unverified');
		expect(errors).toEqual([]);
	});

	it('says how fresh the data is', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/`);
		expect(await page.getByTestId('newest-observed').textContent()).toContain(`${formatDate(growingDayMs(growing.days - 1))} 00:00 UTC`);
		expect(await page.locator('tr[data-collector="dockerhub"]').textContent()).toContain('not run yet');
		expect(errors).toEqual([]);
	});

	it('names a bad parameter and still shows the default window', async () => {
		const { page, errors } = await openWatchedPage(browser);
		const response = await gotoHydrated(page, `${server.url}/?window=fortnight`);
		expect(response?.status()).toBe(200);
		const alert = page.getByRole('alert');
		expect(await alert.textContent()).toContain('window');
		expect(await alert.textContent()).toContain('"fortnight" is not a window');
		expect(await readCard(page, growingCard)).toEqual(expectedGrowingText(oneYearBefore(Date.now())));
		expect(errors).toEqual([]);
	});

	it('fits a 375-pixel phone without horizontal scrolling, one card per row', async () => {
		const { page, errors } = await openWatchedPage(browser, { width: 375 });
		await gotoHydrated(page, `${server.url}/`);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		const [a, b] = await Promise.all([page.locator(growingCard).boundingBox(), page.locator(mobyCard).boundingBox()]);
		expect(b!.y).toBeGreaterThan(a!.y + a!.height - 1);
		expect(errors).toEqual([]);
	});

	it('puts several cards on a row on a laptop', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/`);
		const [a, b] = await Promise.all([page.locator(growingCard).boundingBox(), page.locator(mobyCard).boundingBox()]);
		expect(b!.y).toBe(a!.y);
		expect(errors).toEqual([]);
	});

	it('renders readably in the dark scheme', async () => {
		const { page, errors } = await openWatchedPage(browser, { colorScheme: 'dark' });
		await gotoHydrated(page, `${server.url}/`);
		const colours = await page.evaluate(() => {
			const card = document.querySelector('article')!;
			const figure = card.querySelector('.figure')!;
			return {
				body: getComputedStyle(document.body).backgroundColor,
				card: getComputedStyle(card).backgroundColor,
				text: getComputedStyle(card).color,
				figure: getComputedStyle(figure).color
			};
		});
		const luminance = (rgb: string) => {
			const [r, g, b] = rgb.match(/\d+/g)!.map(Number) as [number, number, number];
			return 0.2126 * r + 0.7152 * g + 0.0722 * b;
		};
		expect(luminance(colours.body)).toBeLessThan(60);
		expect(luminance(colours.text) - luminance(colours.card)).toBeGreaterThan(120);
		expect(luminance(colours.figure) - luminance(colours.card)).toBeGreaterThan(80);
		expect(errors).toEqual([]);
	});
});
