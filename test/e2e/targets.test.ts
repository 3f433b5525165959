import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { browserBackends, gotoHydrated, launchBrowser, loadHydrated, openScriptlessPage, openWatchedPage, reloadHydrated } from '../helpers/browser.js';
import { seedDashboard } from '../helpers/dashboard-seed.js';
import { ReplayServer } from '../helpers/replay-server.js';
import { startServer, type TestServer } from '../helpers/server.js';

const nginx = JSON.parse(readFileSync('test/fixtures/dockerhub/doc-repository-library-nginx.json', 'utf8'));
// The recorded GraphQL batch, cut down to its first repository (docker/compose, alias r0): adding one
// target asks GitHub about that repository alone.
const githubBatch = JSON.parse(readFileSync('test/fixtures/github/doc-graphql-repositories.json', 'utf8'));
const composeAnswer = { status: githubBatch.status, headers: githubBatch.headers, body: { data: { r0: githubBatch.body.data.r0, rateLimit: githubBatch.body.data.rateLimit } } };
const brokenReason = 'Docker Hub answered HTTP 500 three times';

/** The dashboard's seed plus one target whose last collection failed. */
async function seedWithFailure(database: Database): Promise<void> {
	await seedDashboard(database);
	const targetId = await upsertTarget(database.db, { source: 'dockerhub', key: 'e2e/broken', displayName: 'Broken (test)' });
	const seriesId = await upsertSeries(database.db, targetId, { metric: 'pulls', unit: 'pulls', kind: 'counter' });
	await upsertSamples(database.db, seriesId, 'observed', [{ ts: new Date('2026-01-02T00:00:00Z'), value: 1234 }]);
	await database.db.execute(sql`update targets set status = 'failing', status_message = ${brokenReason}, last_collected_at = now() where id = ${targetId}`);
}

describe.each(browserBackends)('the targets page on %s', (backend) => {
	let server: TestServer;
	let browser: Browser;
	let replay: ReplayServer;

	beforeAll(async () => {
		replay = await ReplayServer.start();
		replay.route('/v2/namespaces/library/repositories/nginx', { body: nginx });
		replay.route('/graphql', composeAnswer);
		const env = { DOCKERHUB_API_URL: replay.url, GITHUB_API_URL: replay.url, GITHUB_TOKEN: 'ghp_e2e_dummy_token', RUN_SCHEDULES: 'false', HTTP_RETRY_BASE_MS: '1', HTTP_MAX_RETRIES: '1' };
		[server, browser] = await Promise.all([startServer(backend, env, { seed: seedWithFailure }), launchBrowser()]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
		await replay?.close();
	});

	const rowOf = (page: import('playwright-core').Page, target: string) => page.locator(`tbody[data-target="${target}"]`);

	it('lists the seeded targets by source with their latest values, dates, provenance and status', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		// The server adds the published reference figures and a measured moby git log at every start.
		expect(await page.locator('h2[id^="source-"]').allTextContents()).toEqual(['Docker Hub 2', 'GitHub 2', 'Imported 1', 'Reference figures 3']);
		const moby = rowOf(page, 'github:moby/moby');
		expect(await moby.locator('td.num').textContent()).toBe('71.99K');
		expect(await moby.locator('td.num').getAttribute('title')).toBe('71,993 stars');
		expect(await moby.textContent()).toContain('2026-08-22');
		expect(await moby.textContent()).toContain('imported');
		expect(await moby.locator('[data-status]').textContent()).toBe('ok');
		const growing = rowOf(page, 'github:e2e/growing');
		expect(await growing.locator('td.num').textContent()).toBe('4,990');
		expect(await growing.textContent()).toContain('observed');
		expect(await growing.textContent()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\s*0 min ago/);
		expect(await rowOf(page, 'dockerhub:falcosecurity/falco').locator('td.num').textContent()).toBe('73.78M');
		expect(await growing.getByRole('link').getAttribute('href')).toBe('/targets/github:e2e/growing');
		expect(errors).toEqual([]);
	});

	it('shows why a failing target fails', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		const broken = rowOf(page, 'dockerhub:e2e/broken');
		expect(await broken.locator('[data-status]').textContent()).toBe('failing');
		expect(await broken.locator('.reason').textContent()).toBe(brokenReason);
		expect(errors).toEqual([]);
	});

	it('filters the list as one types', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		await page.getByRole('searchbox').fill('falco');
		await expect.poll(() => page.locator('tbody[data-target]').count()).toBe(1);
		expect(await page.locator('tbody[data-target]').getAttribute('data-target')).toBe('dockerhub:falcosecurity/falco');
		await page.getByRole('searchbox').fill('nothing like this');
		await page.getByText('No target matches').waitFor();
		expect(errors).toEqual([]);
	});

	it('adds a Docker Hub image from its pasted URL, with its first values from the source', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		await page.getByLabel('Add a target').fill('https://hub.docker.com/_/nginx');
		await page.getByText('Will check dockerhub:library/nginx').waitFor();
		await page.getByRole('button', { name: 'Add' }).click();
		await page.locator('[data-outcome="added"]').getByText('Added dockerhub:library/nginx.').waitFor();
		const row = rowOf(page, 'dockerhub:library/nginx');
		expect(await row.locator('td.num').allTextContents()).toEqual(['12.98B', '21.27K']);
		expect(await row.locator('td.num').evaluateAll((cells) => cells.map((c) => c.getAttribute('title')))).toEqual(['12,981,954,060 pulls', '21,268 stars']);
		expect(await row.locator('[data-status]').textContent()).toBe('ok');
		expect(await page.getByLabel('Add a target').inputValue()).toBe('');
		await page.getByLabel('Add a target').fill('dockerhub:library/nginx');
		await page.getByRole('button', { name: 'Add' }).click();
		await page.locator('[data-outcome="exists"]').getByText('dockerhub:library/nginx is already tracked.').waitFor();
		expect(errors).toEqual([]);
	});

	it('adds a GitHub repository from its pasted URL', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		await page.getByLabel('Add a target').fill('https://github.com/docker/compose');
		await page.getByRole('button', { name: 'Add' }).click();
		const row = rowOf(page, 'github:docker/compose');
		await row.waitFor();
		const stars = row.locator('tr', { hasText: 'stars' }).locator('td.num');
		expect(await stars.textContent()).toBe('35.12K');
		expect(await stars.getAttribute('title')).toBe('35,120 stars');
		expect(errors).toEqual([]);
	});

	it('says when the source does not know a target, and adds nothing', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		const before = await page.locator('tbody[data-target]').count();
		await page.getByLabel('Add a target').fill('https://hub.docker.com/r/nobody/nothing');
		await page.getByRole('button', { name: 'Add' }).click();
		const message = page.locator('[data-outcome="notFound"]');
		await message.waitFor();
		expect(await message.textContent()).toContain('Not found at the source, so nothing was added: dockerhub does not know nobody/nothing');
		await reloadHydrated(page);
		expect(await page.locator('tbody[data-target]').count()).toBe(before);
		expect(await rowOf(page, 'dockerhub:nobody/nothing').count()).toBe(0);
		expect(errors).toEqual([]);
	});

	it('explains input that names no target before asking any source', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		const requestsBefore = replay.countRequests();
		await page.getByLabel('Add a target').fill('https://gitlab.com/a/b');
		await page.getByText('cannot tell a Docker Hub image or GitHub repository from https://gitlab.com/a/b').first().waitFor();
		await page.getByRole('button', { name: 'Add' }).click();
		await page.locator('[data-outcome="invalid"]').waitFor();
		expect(replay.countRequests()).toBe(requestsBefore);
		expect(errors).toEqual([]);
	});

	it('removes a target after confirmation, with its series, for good', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		await page.getByRole('button', { name: 'Remove dockerhub:e2e/broken' }).click();
		const dialog = page.getByRole('dialog');
		expect(await dialog.textContent()).toContain('This deletes its 1 series and all their samples');
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await dialog.waitFor({ state: 'hidden' });
		expect(await rowOf(page, 'dockerhub:e2e/broken').count()).toBe(1);
		await page.getByRole('button', { name: 'Remove dockerhub:e2e/broken' }).click();
		await dialog.getByRole('button', { name: 'Remove for good' }).click();
		await page.locator('[data-outcome="removed"]').waitFor();
		expect(await rowOf(page, 'dockerhub:e2e/broken').count()).toBe(0);
		await reloadHydrated(page);
		await rowOf(page, 'github:moby/moby').waitFor();
		expect(await rowOf(page, 'dockerhub:e2e/broken').count()).toBe(0);
		expect(errors).toEqual([]);
	});

	it('works without JavaScript: adding, and removing in two steps', async () => {
		const page = await openScriptlessPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		await page.getByLabel('Add a target').fill('https://hub.docker.com/r/nobody/nothing');
		await page.getByRole('button', { name: 'Add' }).click();
		await page.locator('[data-outcome="notFound"]').waitFor();
		expect(await page.getByLabel('Add a target').inputValue()).toBe('https://hub.docker.com/r/nobody/nothing');
		await page.getByRole('button', { name: 'Remove github:e2e/growing' }).click();
		await page.getByText('Remove github:e2e/growing? This deletes its series and all their samples.').waitFor();
		expect(await rowOf(page, 'github:e2e/growing').count()).toBe(1);
		await page.getByRole('button', { name: 'Remove for good' }).click();
		await page.locator('[data-outcome="removed"]').waitFor();
		expect(await rowOf(page, 'github:e2e/growing').count()).toBe(0);
		await page.context().close();
	});

	it('fits a 375-pixel phone: the tables scroll, the page does not', async () => {
		const { page, errors } = await openWatchedPage(browser, { width: 375 });
		await gotoHydrated(page, `${server.url}/targets`);
		await rowOf(page, 'github:moby/moby').waitFor();
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
		expect(errors).toEqual([]);
	});
});

describe('the targets page when writes need signing in', () => {
	const adminToken = 'e2e-admin-token-0123456789';
	let server: TestServer;
	let browser: Browser;

	beforeAll(async () => {
		[server, browser] = await Promise.all([startServer('pglite', { ADMIN_TOKEN: adminToken }, { seed: seedDashboard }), launchBrowser()]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	it('hides the add and remove controls from a signed-out visitor and says how to get them', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/targets`);
		await page.locator('tbody[data-target="github:moby/moby"]').waitFor();
		expect(await page.getByLabel('Add a target').count()).toBe(0);
		expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
		expect(await page.getByRole('link', { name: 'Sign in' }).last().getAttribute('href')).toBe('/signin?next=/targets');
		expect(errors).toEqual([]);
	});

	it('says clearly why an add is refused when the session ended while the page was open', async () => {
		const { page, errors } = await openWatchedPage(browser);
		await gotoHydrated(page, `${server.url}/signin?next=/targets`);
		await page.getByLabel('ADMIN_TOKEN').fill(adminToken);
		// Signing in posts the form natively and is answered by a redirect: a new document to wait for.
		await loadHydrated(page, () => page.getByRole('button', { name: 'Sign in' }).click());
		await page.getByLabel('Add a target').waitFor();
		await page.context().clearCookies();
		await page.getByLabel('Add a target').fill('https://hub.docker.com/_/nginx');
		await page.getByRole('button', { name: 'Add' }).click();
		const alert = page.getByRole('alert').filter({ hasText: 'Not allowed' });
		expect(await alert.textContent()).toContain('Not allowed: sign in at /signin or send Authorization: Bearer <ADMIN_TOKEN>.');
		// The refused POST is the only thing the browser reports (Chromium logs every 4xx answer).
		expect(errors).toEqual([expect.stringContaining('401')]);
	});
});
