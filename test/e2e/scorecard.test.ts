import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDeclaration } from '../../src/lib/server/config-file/apply.js';
import { parseConfigFile } from '../../src/lib/server/config-file/parse.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { browserBackends, gotoHydrated, launchBrowser, openWatchedPage } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/server.js';

describe.each(browserBackends)('the scorecard page on %s', (backendName) => {
	let server: TestServer;
	let browser: Browser;

	beforeAll(async () => {
		// Observed pulls of one official image in 2025; the server loads the reference figures and moby's git history itself.
		const seed = async (database: Database) => {
			const targetId = await upsertTarget(database.db, { source: 'dockerhub', key: 'library/nginx', displayName: 'nginx' });
			const seriesId = await upsertSeries(database.db, targetId, { metric: 'pulls', unit: 'pulls', kind: 'counter' });
			await upsertSamples(database.db, seriesId, 'observed', [
				{ ts: new Date('2025-01-01T00:00:00Z'), value: 1_000_000 },
				{ ts: new Date('2025-12-31T00:00:00Z'), value: 1_500_000 }
			]);
			// A configuration file measures the total pulls by nginx alone.
			const file = 'scorecard:\n  hub-pulls-total: {series: [dockerhub:library/nginx:pulls]}\n';
			await applyDeclaration(database.db, parseConfigFile('scorecard.yaml', file, {}), { prune: false, dryRun: false, alertPatternMaxSeries: 1_000 });
		};
		[server, browser] = await Promise.all([startServer(backendName, {}, { seed }), launchBrowser()]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('is linked from the overview and checks the published table: published and measured columns, a row without a source', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/`);
		await page.getByRole('link', { name: 'The ecosystem scorecard' }).click();
		await page.waitForURL(/\/scorecard$/);
		expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toBe('Docker ecosystem, 2014-06-09 to 2015-06-22');
		// The scorecard table comes first, the verification table after it.
		const contributors = page.locator('table').first().locator('tr[data-measure="contributors"]');
		expect(await contributors.locator('td.published').textContent()).toBe('+183%');
		expect(await contributors.locator('td.growth').textContent()).toBe('+115%');
		expect(await contributors.locator('svg').count()).toBe(1);
		const jobs = page.locator('table').first().locator('tr[data-measure="job-offers"]');
		expect(await jobs.locator('td.published').textContent()).toBe('+1,720%');
		expect(await jobs.textContent()).toContain('No public source: published figure only');
		const configured = page.locator('table').first().locator('tr[data-measure="hub-pulls-total"]');
		expect(await configured.locator('.configured').textContent()).toBe('measured as configured');
		expect(await jobs.locator('.configured').count()).toBe(0);
		const verification = page.getByRole('region', { name: 'Verification' });
		expect(await verification.locator('tr[data-measure="contributors"]').textContent()).toContain("moby/moby's own commit authors only");
		expect(await page.getByRole('list', { name: 'In words' }).textContent()).toContain('Contributors: +115% (525 on 2014-05-31 to 1,130 on 2015-05-31); published +183%');
		expect(errors).toEqual([]);
	});

	it('measures a calendar year from a preset, copies as text and downloads the CSV shown', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
		await gotoHydrated(page, `${server.url}/scorecard`);
		await page.getByRole('navigation', { name: 'Periods' }).getByRole('link', { name: '2025', exact: true }).click();
		await page.waitForURL(/from=2025-01-01&to=2025-12-31/);
		expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toBe('Docker ecosystem, 2025');
		expect(await page.locator('tr[data-measure="container-downloads"] td.growth').textContent()).toBe('+50%');
		expect(await page.getByRole('region', { name: 'Verification' }).count()).toBe(0);
		await page.getByRole('button', { name: 'Copy as text' }).click();
		await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
		const copied = await page.evaluate(() => navigator.clipboard.readText());
		expect(copied.split('\n')[0]).toContain('Docker ecosystem, 2025: ');
		expect(copied).toContain('Container downloads (Docker Hub pulls) +50%');
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
		expect(download.suggestedFilename()).toBe('dockpulse_scorecard_2025-01-01_to_2025-12-31.csv');
		const csv = await (await fetch(`${server.url}${new URL(download.url()).pathname}${new URL(download.url()).search}`)).text();
		const pulls = (parse(csv, { columns: true }) as Record<string, string>[]).find((r) => r.measure === 'container-downloads');
		expect(pulls).toMatchObject({ status: 'measured', start_value: '1000000', end_value: '1500000', growth_percent: '50' });
		expect(errors).toEqual([]);
	});

	it('says a bad date on the page, and fits a phone without sideways scrolling', async () => {
		const { page, errors } = await openWatchedPage(browser, { width: 375 });
		await gotoHydrated(page, `${server.url}/scorecard?from=2015-06-22&to=2014-06-09`);
		expect(await page.getByRole('alert').textContent()).toContain('to: must not be before from');
		await gotoHydrated(page, `${server.url}/scorecard`);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		expect(errors).toEqual([]);
	});
});
