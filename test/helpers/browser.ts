import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

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
