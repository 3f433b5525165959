import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (no browser download: these machines reach only the npm
 * registry). CHROMIUM_PATH overrides the location.
 */

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function hasChromium(): boolean {
	return existsSync(chromiumPath);
}

export function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: chromiumPath,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
	});
}

export interface WatchedPage {
	page: Page;
	/** Console errors and uncaught exceptions seen so far, each with the page URL it came from. */
	errors: string[];
}

/**
 * A new page (its own context, so cookies and storage do not leak between tests) that records every
 * console error and uncaught exception, for the "no page logs an error" checks.
 */
export async function openWatchedPage(browser: Browser, options: { colorScheme?: 'light' | 'dark'; width?: number } = {}): Promise<WatchedPage> {
	const context = await browser.newContext({
		colorScheme: options.colorScheme ?? 'light',
		viewport: { width: options.width ?? 1280, height: 900 },
		acceptDownloads: true
	});
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
	});
	page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
	return { page, errors };
}

/**
 * Set by the root layout (src/routes/+layout.svelte) once the page's scripts have taken over: event
 * handlers, enhanced forms and the client-side router. Before that a click reaches the bare HTML, so a
 * form posts natively (on 2 busy cores a test can type and submit that early).
 */
const hydratedSelector = 'html[data-hydrated]';
const scriptlessPages = new WeakSet<Page>();

/** Waits until the document shown has hydrated; a page without scripts is ready once loaded. */
export async function waitForHydration(page: Page): Promise<void> {
	if (scriptlessPages.has(page)) return;
	await page.locator(hydratedSelector).waitFor({ state: 'attached' });
}

/** page.goto, then the wait for the page's scripts: every browser test opens a URL through this. */
export async function gotoHydrated(page: Page, url: string): Promise<Response | null> {
	const response = await page.goto(url);
	await waitForHydration(page);
	return response;
}

/** page.reload, then the wait for the reloaded document's scripts. */
export async function reloadHydrated(page: Page): Promise<void> {
	await page.reload();
	await waitForHydration(page);
}

/**
 * Runs an action that loads a new document (a form posted without enhancement, answered by a redirect),
 * then waits for that document's scripts: the mark checked is the new document's, not the old one's.
 */
export async function loadHydrated(page: Page, action: () => Promise<unknown>): Promise<void> {
	const loaded = page.waitForEvent('domcontentloaded');
	await action();
	await loaded;
	await waitForHydration(page);
}

/** A page of its own context with JavaScript off, as a visitor without scripts sees the dashboard. */
export async function openScriptlessPage(browser: Browser): Promise<Page> {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	scriptlessPages.add(page);
	return page;
}

/**
 * The store a browser test's server runs on: PostgreSQL when TEST_DATABASE_URL is set, else PGlite.
 * A page reads through the same queries on either store, and the integration tests run each of those
 * on both, so a page is checked in the browser once, not twice; the files that pin 'pglite' keep the
 * embedded default (what `npm start` runs) covered in the browser too.
 */
export const browserBackends = process.env.TEST_DATABASE_URL ? (['postgres'] as const) : (['pglite'] as const);
