import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveBackfillState } from '../../jobs/collectors/github/backfill/state.js';
import type { HistoryState } from '../../jobs/collectors/github/contributor-history.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { finishRun, insertRun, type RunOutcome } from '../../src/lib/server/db/queries/runs.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { formatDateTime } from '../../src/lib/format.js';
import { browserBackends, gotoHydrated, launchBrowser, openWatchedPage } from '../helpers/browser.js';
import { seedDashboard } from '../helpers/dashboard-seed.js';
import { startServer, type TestServer } from '../helpers/server.js';

const hourMs = 3_600_000;
const githubToken = 'ghp_e2e_dummy_secret_42';

/**
 * Runs around the real clock (the server judges "overdue" by its own now): Docker Hub fine half an
 * hour ago; GitHub (hourly) partly succeeded 5 h ago and failed since, so it is overdue; GitHub's
 * stars backfill part-way through moby/moby.
 */
let githubLastSuccessMs = 0;
let backfillSavedMs = 0;
const refusedRetryAt = '2026-12-08T10:05:00.000Z';
async function seedHealth(database: Database): Promise<void> {
	await seedDashboard(database);
	const db = database.db;
	const nowMs = Date.now();
	const addRun = async (collector: string, hoursAgo: number, outcome: RunOutcome) => {
		const startedMs = nowMs - hoursAgo * hourMs;
		await finishRun(db, await insertRun(db, collector, new Date(startedMs)), new Date(startedMs + 4_000), outcome);
		return startedMs + 4_000;
	};
	const run = (status: RunOutcome['status'], requestsMade: number, rateBudgetLeft: number | undefined, failures: RunOutcome['failures'] = []) => ({
		status,
		targetsDone: 3 - failures.length,
		targetsFailed: failures.length,
		failures,
		requestsMade,
		rateBudgetLeft
	});
	await addRun('dockerhub', 0.5, run('ok', 12, 180));
	githubLastSuccessMs = await addRun('github', 5, run('partial', 7, 4_321, [
		{ target: 'moby/moby', kind: 'timeout', message: 'no answer within 15000 ms' },
		{ target: 'nobody/nothing', kind: 'notFound', message: 'Could not resolve to a Repository with the name nobody/nothing' }
	]));
	await addRun('github', 1, run('failed', 1, 0, [{ target: 'moby/moby', kind: 'rateLimited', message: 'API rate limit exceeded' }]));

	const moby = await upsertTarget(db, { source: 'github', key: 'moby/moby', displayName: 'moby/moby' });
	backfillSavedMs = nowMs - 2 * hourMs;
	await saveBackfillState(db, moby, { starsNextPage: 41, releasesNextPage: 5, isStarsDone: false, isReleasesDone: true }, new Date(backfillSavedMs));
	const refused = await upsertTarget(db, { source: 'github', key: 'e2e/refused', displayName: 'e2e/refused' });
	const starsUnavailable = { reason: 'unavailable: stargazers listing needs collaborator access', since: new Date(backfillSavedMs).toISOString(), retryAt: refusedRetryAt };
	await saveBackfillState(db, refused, { starsSource: 'stargazers', starsNextPage: 1, releasesNextPage: 2, isStarsDone: false, isReleasesDone: true, starsUnavailable }, new Date(backfillSavedMs));
	const history: HistoryState = { nextPage: 12, isDone: false, firstMonths: { 'login:a': '2013-01', 'login:b': '2013-02', 'email:c@x.org': '2014-05' } };
	await db.execute(sql`update targets set metadata = metadata || ${JSON.stringify({ contributorHistory: history })}::jsonb where id = ${moby}`);
}

describe.each(browserBackends)('the collection health page on %s', (backend) => {
	let server: TestServer;
	let browser: Browser;

	beforeAll(async () => {
		// No schedules: a collector starting during the test would add runs of its own.
		const env = { GITHUB_TOKEN: githubToken, RUN_SCHEDULES: 'false' };
		[server, browser] = await Promise.all([startServer(backend, env, { seed: seedHealth }), launchBrowser()]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	const collector = (page: Page, name: string) => page.locator(`section[data-collector="${name}"]`);

	it('warns about GitHub, which has not succeeded for longer than twice its hourly schedule', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/health`);
		const banner = page.getByRole('alert');
		expect(await banner.locator('li').allTextContents()).toEqual([
			expect.stringMatching(/^github runs every hour \(5 \* \* \* \*\);\s+last success \S+ \S+ UTC \(5 h ago\)\.$/)
		]);
		expect(await banner.textContent()).toContain(formatDateTime(githubLastSuccessMs));
		expect(await collector(page, 'github').locator('[data-status="overdue"]').count()).toBe(1);
		expect(await collector(page, 'dockerhub').locator('[data-status]').first().textContent()).toBe('ok');
		expect(errors).toEqual([]);
	});

	it('shows the recent runs with their failures counted by kind, requests and rate budget left', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/health`);
		const github = collector(page, 'github');
		expect(await github.locator('.chip').allTextContents()).toEqual(['not found × 1', 'rate limited × 1', 'timeout × 1']);
		const runs = github.locator('tbody tr');
		expect(await runs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(['failed', 'partial']);
		expect(await runs.nth(1).locator('.requests').textContent()).toBe('7');
		expect(await runs.nth(1).locator('.budget').textContent()).toBe('4,321');
		expect(await runs.nth(1).locator('.failures').textContent()).toContain('nobody/nothing not found: Could not resolve to a Repository');
		expect(await runs.nth(0).locator('.failures').textContent()).toContain('moby/moby rate limited: API rate limit exceeded');
		const dockerhub = collector(page, 'dockerhub');
		expect(await dockerhub.locator('dd.requests').textContent()).toBe('12');
		expect(await dockerhub.locator('dd.budget').textContent()).toBe('180');
		expect(await collector(page, 'ecosystem').textContent()).toContain('No run yet.');
		expect(errors).toEqual([]);
	});

	it('shows how far each repository\'s history backfill has got', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/health`);
		const moby = page.locator('tr[data-target="github:moby/moby"]');
		expect(await moby.locator('td').allInnerTexts()).toEqual([
			'moby/moby\ngithub:moby/moby',
			'running',
			'40 pages so far',
			'done (4 pages)',
			'11 pages so far\n3 contributors found',
			expect.stringContaining(formatDateTime(backfillSavedMs))
		]);
		expect(await page.locator('tr[data-target="github:e2e/growing"] td.stars').textContent()).toBe('not started');
		const refused = page.locator('tr[data-target="github:e2e/refused"]');
		expect(await refused.locator('td.status').textContent()).toBe('unavailable');
		expect(await refused.locator('td.stars').innerText()).toBe(
			`unavailable: stargazers listing needs collaborator access\nasked again after ${formatDateTime(refusedRetryAt)}`
		);
		expect(errors).toEqual([]);
	});

	it('says which credentials are set without showing them', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/health`);
		expect(await page.locator('li[data-credential="GITHUB_TOKEN"] strong').textContent()).toBe('set');
		expect(await page.locator('li[data-credential="ADMIN_TOKEN"] strong').textContent()).toBe('not set');
		expect(await page.content()).not.toContain(githubToken);
		expect(errors).toEqual([]);
	});

	it('fits a 375-pixel phone without sideways scrolling of the page', async () => {
		const { page, errors } = await openWatchedPage(browser, { width: 375 });
		await gotoHydrated(page, `${server.url}/health`);
		await collector(page, 'github').locator('tbody tr').first().waitFor();
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		expect(errors).toEqual([]);
	});
});
