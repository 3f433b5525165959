import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillGithub, starsRetryAfterMs, type GithubBackfillOptions } from '../../jobs/collectors/github/backfill/backfill.js';
import { starsHistoryNote } from '../../jobs/collectors/github/backfill/stars.js';
import { listEvents } from '../../src/lib/server/db/queries/events.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';
import { githubBackfillSetup, historyPath, readBackfillFixture, realStarsPage, releasesPath, starsPath } from '../helpers/github-backfill.js';
import { ReplayServer, type ReplayAnswer } from '../helpers/replay-server.js';
import { createStoreEnv, openStoreEnvDatabase, runScript, runScriptExpectingRefusal } from '../helpers/server.js';

const { status: releasesStatus, headers: releasesHeaders, body: releasesBody } = readBackfillFixture('doc-releases.json');
const releasesPage: ReplayAnswer = { status: releasesStatus, headers: releasesHeaders, body: releasesBody };

// A full first page of 100 stars: ten a day on 2014-01-01..09, then ten in the small hours of
// 2014-08-13, the day the real page starts on, so that one day runs across the two pages.
const generatedStarsPage = (): unknown[] =>
	Array.from({ length: 100 }, (_, i) => ({
		starred_at: i < 90 ? `2014-01-0${Math.floor(i / 10) + 1}T12:00:00Z` : `2014-08-13T0${i - 90}:00:00Z`,
		user: { login: `user${i}` }
	}));
const twoPageSeries = [
	['2014-01-01', 10], ['2014-01-02', 20], ['2014-01-03', 30], ['2014-01-04', 40], ['2014-01-05', 50],
	['2014-01-06', 60], ['2014-01-07', 70], ['2014-01-08', 80], ['2014-01-09', 90],
	['2014-08-13', 101], ['2014-10-15', 102], ['2015-04-14', 103], ['2015-04-29', 105], ['2015-05-09', 106]
];

const nextLink = (url: string, path: string) => ({ link: `<${url}${path}>; rel="next"` });
// The star history is asked first; the replay server answers 404 for it unless a test routes it, as
// GitHub does where the endpoint is not served, so these tests take the stargazers path after it.
// test/integration/backfill-star-history.test.ts covers the history itself.

describe.each(testBackends)('GitHub history backfill on $name', (backend) => {
	const h = useCollectorHarness(backend, githubBackfillSetup);
	const run = (options: GithubBackfillOptions = {}) => backfillGithub(h.db, h.config(), { ...h.options(), ...options });
	const starsOf = (key: string) => h.listSamples(key, 'stars');
	const dailyStars = (key: string) => h.listDailyValues(key, 'stars');

	it('rebuilds the daily star count of a one-page repository as reconstructed samples with the method note', async () => {
		await h.addTarget('danvk/comparea');
		h.replay.route(releasesPath('danvk/comparea', 1), releasesPage).route(starsPath('danvk/comparea', 1), realStarsPage);
		const report = await run();
		expect(report).toMatchObject({ status: 'ok', targetsDone: 1, targetsFailed: 0, requestsMade: 3, rateBudgetLeft: 4913 });
		const rows = await starsOf('danvk/comparea');
		expect(rows.map((r) => [r.day, r.value])).toEqual([
			['2014-08-13', 1], ['2014-10-15', 2], ['2015-04-14', 3], ['2015-04-29', 5], ['2015-05-09', 6]
		]);
		expect(new Set(rows.map((r) => r.provenance))).toEqual(new Set(['reconstructed']));
		expect(new Set(rows.map((r) => r.hour))).toEqual(new Set([0]));
		expect(rows[0]!.note).toBe(starsHistoryNote);
		expect(starsHistoryNote).toContain('stars still held today');
		expect(starsHistoryNote).toContain('unstarred stars are not in the history');
		expect(starsHistoryNote).toContain("at most 40,000 stargazers with dates, and only to a repository's admins and collaborators since July 2026");
		const starsRequest = h.replay.requests.find((r) => r.path.includes('/stargazers?'));
		expect(starsRequest?.headers.accept).toBe('application/vnd.github.star+json');
		const { metadata } = await h.getTarget('danvk/comparea');
		expect(metadata.backfill).toEqual({
			starsSource: 'stargazers', starsNextPage: 2, releasesNextPage: 2, isStarsDone: true, isReleasesDone: true, updatedAt: '2026-11-28T10:05:00.000Z'
		});
		// Done: the next run asks GitHub nothing.
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 0, requestsMade: 0 });
	});

	it('stores each published release once as an event, and a rerun of the same page inserts nothing', async () => {
		const targetId = await h.addTarget('octocat/Hello-World');
		h.replay.route(releasesPath('octocat/Hello-World', 1), releasesPage).route(starsPath('octocat/Hello-World', 1), realStarsPage);
		await run();
		const stored = await listEvents(h.db, targetId);
		expect(stored.map(({ ts, kind, label, url }) => ({ ts: ts.toISOString(), kind, label, url }))).toEqual([
			{ ts: '2013-02-27T19:35:32.000Z', kind: 'release', label: 'v1.0.0', url: 'https://github.com/octocat/Hello-World/releases/v1.0.0' },
			{ ts: '2013-03-10T08:15:00.000Z', kind: 'release', label: 'v1.0.1', url: 'https://github.com/octocat/Hello-World/releases/tag/v1.0.1' }
		]);
		expect(await listEvents(h.db, targetId, { from: new Date('2013-03-01T00:00:00Z') })).toHaveLength(1);
		// As after a crash between the page and its progress: the saved state forgotten, all pages read again.
		await h.db.execute(sql`update targets set metadata = '{}'::jsonb where id = ${targetId}`);
		const starsBefore = await dailyStars('octocat/Hello-World');
		expect(await run()).toMatchObject({ status: 'ok', requestsMade: 3 });
		expect(await listEvents(h.db, targetId)).toEqual(stored);
		expect(await dailyStars('octocat/Hello-World')).toEqual(starsBefore);
	});

	it('stops after stargazers page 1 when maxRequests runs out, resumes at page 2, and ends with the series of a single full run', async () => {
		for (const key of ['acme/resumed', 'acme/whole']) {
			await h.addTarget(key);
			h.replay.route(releasesPath(key, 1), releasesPage);
			h.replay.route(starsPath(key, 1), { body: generatedStarsPage(), headers: nextLink(h.replay.url, starsPath(key, 2)) });
			h.replay.route(starsPath(key, 2), realStarsPage);
		}
		expect(await run({ onlyKey: 'acme/resumed', maxRequests: 3 })).toMatchObject({ status: 'ok', requestsMade: 3 });
		expect(h.replay.requests.map((r) => r.path)).toEqual([releasesPath('acme/resumed', 1), historyPath('acme/resumed'), starsPath('acme/resumed', 1)]);
		expect((await h.getTarget('acme/resumed')).metadata.backfill).toMatchObject({ starsNextPage: 2, isStarsDone: false, isReleasesDone: true });
		// Page 1 alone: the day that runs on to page 2 holds the 100 stars seen so far.
		expect(await dailyStars('acme/resumed')).toEqual([...twoPageSeries.slice(0, 9), ['2014-08-13', 100]]);

		// The history is not asked again: the state remembers that the stars come from the stargazers.
		expect(await run({ onlyKey: 'acme/resumed', maxRequests: 3 })).toMatchObject({ status: 'ok', requestsMade: 1 });
		expect(h.replay.requests.at(-1)?.path).toBe(starsPath('acme/resumed', 2));
		expect(await dailyStars('acme/resumed')).toEqual(twoPageSeries);

		expect(await run({ onlyKey: 'acme/whole' })).toMatchObject({ status: 'ok', requestsMade: 4 });
		expect(await dailyStars('acme/whole')).toEqual(await dailyStars('acme/resumed'));
	});

	it('spends at most its share of the rate budget: 20% of 10 requests left is 2 requests', async () => {
		await h.addTarget('acme/busy');
		const remaining = { 'x-ratelimit-remaining': '10' };
		h.replay.route(releasesPath('acme/busy', 1), { body: [], headers: remaining });
		h.replay.route(historyPath('acme/busy'), { status: 404, body: { message: 'Not Found' }, headers: remaining });
		for (const page of [1, 2, 3]) {
			h.replay.route(starsPath('acme/busy', page), { body: generatedStarsPage(), headers: { ...remaining, ...nextLink(h.replay.url, starsPath('acme/busy', page + 1)) } });
		}
		const report = await run({ budgetShare: 0.2, maxRequests: 100 });
		expect(report).toMatchObject({ status: 'ok', requestsMade: 2, rateBudgetLeft: 10 });
		expect(h.replay.countRequests()).toBe(2);
		// Releases and the star history (404) spend the two; the stargazers wait for the next run.
		expect((await h.getTarget('acme/busy')).metadata.backfill).toMatchObject({ starsSource: 'stargazers', starsNextPage: 1, isStarsDone: false });
	});

	it.each([
		[404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/activity/starring#list-stargazers' }],
		// Some tokens get 403; GitHub's wording for it is not documented: the status, with budget left, is what counts.
		[403, { message: 'Forbidden', documentation_url: 'https://docs.github.com/rest/activity/starring#list-stargazers' }]
	])('settles stars refused with %i as unavailable for a week, keeps the releases, and never touches the target status', async (status, body) => {
		const targetId = await h.addTarget('octocat/Hello-World');
		h.replay.route(releasesPath('octocat/Hello-World', 1), releasesPage);
		h.replay.route(starsPath('octocat/Hello-World', 1), { status, headers: { 'x-ratelimit-remaining': '4989' }, body });
		const report = await run();
		expect(report).toMatchObject({ status: 'ok', targetsDone: 1, targetsFailed: 0, failures: [], requestsMade: 3 });
		expect(h.replay.requests.map((r) => r.path)).toEqual([releasesPath('octocat/Hello-World', 1), historyPath('octocat/Hello-World'), starsPath('octocat/Hello-World', 1)]);
		expect(await listEvents(h.db, targetId)).toHaveLength(2);
		expect(await starsOf('octocat/Hello-World')).toEqual([]);
		const target = await h.getTarget('octocat/Hello-World');
		expect(target).toMatchObject({ status: 'ok', status_message: null });
		expect(target.metadata.backfill).toEqual({
			starsSource: 'stargazers', starsNextPage: 1, releasesNextPage: 2, isStarsDone: false, isReleasesDone: true,
			starsUnavailable: { reason: 'unavailable: stargazers listing needs collaborator access', since: '2026-11-28T10:05:00.000Z', retryAt: '2026-12-05T10:05:00.000Z' },
			updatedAt: '2026-11-28T10:05:00.000Z'
		});
	});

	it('asks a refused repository nothing until a week later by the clock, then the history and the stargazers once more', async () => {
		await h.addTarget('acme/private');
		h.replay.route(releasesPath('acme/private', 1), { body: [] });
		h.replay.route(starsPath('acme/private', 1), { status: 404, body: { message: 'Not Found' } });
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 1, requestsMade: 3 });
		// Every 10 minutes for a week but one: no target to work on, no request.
		for (const laterMs of [10 * 60_000, 86_400_000, starsRetryAfterMs - 60_000]) {
			h.clockMs = Date.parse(githubBackfillSetup.startAt) + laterMs;
			expect(await run()).toMatchObject({ status: 'ok', targetsDone: 0, targetsFailed: 0, requestsMade: 0 });
		}
		expect(h.replay.countRequests()).toBe(3);
		// A week on, the history (still refused, 404) and stargazers page 1, which GitHub now serves.
		h.clockMs = Date.parse(githubBackfillSetup.startAt) + starsRetryAfterMs;
		h.replay.route(starsPath('acme/private', 1), realStarsPage);
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 1, requestsMade: 2 });
		expect(h.replay.requests.slice(3).map((r) => r.path)).toEqual([historyPath('acme/private'), starsPath('acme/private', 1)]);
		expect(await dailyStars('acme/private')).toEqual([['2014-08-13', 1], ['2014-10-15', 2], ['2015-04-14', 3], ['2015-04-29', 5], ['2015-05-09', 6]]);
		const { status, metadata } = await h.getTarget('acme/private');
		expect(status).toBe('ok');
		expect(metadata.backfill).toMatchObject({ isStarsDone: true, isReleasesDone: true });
		expect(metadata.backfill).not.toHaveProperty('starsUnavailable');
	});

	it('records a failure of the backfill on its run only: the target status belongs to the hourly collector', async () => {
		await h.addTarget('acme/broken');
		h.replay.route(releasesPath('acme/broken', 1), { body: [{ tag_name: 'v1', published_at: 'yesterday' }] });
		const report = await run();
		expect(report).toMatchObject({ status: 'failed', targetsDone: 0, targetsFailed: 1 });
		expect(report.failures[0]).toMatchObject({ target: 'acme/broken', kind: 'invalidResponse' });
		expect(await h.getTarget('acme/broken')).toMatchObject({ status: 'ok', status_message: null });
		expect((await h.listRuns()).map(({ collector, status }) => ({ collector, status }))).toEqual([{ collector: 'github-backfill', status: 'failed' }]);
	});
});

const runBackfillCommand = (args: string[], env: Record<string, string>) => runScript('scripts/backfill.ts', args, env);

describe.each(testBackends)('npm run backfill on $name', (backend) => {
	const keys = ['danvk/comparea', 'octocat/Hello-World', 'acme/broken'];
	let store: Awaited<ReturnType<typeof createStoreEnv>>;
	let replay: ReplayServer;
	let env: Record<string, string>;

	beforeAll(async () => {
		store = await createStoreEnv(backend.name);
		replay = await ReplayServer.start();
		replay.route(releasesPath('danvk/comparea', 1), releasesPage).route(starsPath('danvk/comparea', 1), realStarsPage);
		replay.route(releasesPath('octocat/Hello-World', 1), releasesPage);
		replay.route(starsPath('octocat/Hello-World', 1), { status: 404, headers: { 'x-ratelimit-remaining': '4989' }, body: { message: 'Not Found' } });
		replay.route(releasesPath('acme/broken', 1), { body: [{ tag_name: 'v1', published_at: 'yesterday' }] });
		// The command runs the contributor history too: one empty page of commits each.
		for (const key of keys) replay.route(`/repos/${key}/commits?per_page=100&page=1`, { body: [] });
		env = { ...store.env, GITHUB_API_URL: replay.url, HTTP_RETRY_BASE_MS: '1', HTTP_TIMEOUT_MS: '15000' };
		const database = await openStoreEnvDatabase(store.env);
		for (const key of keys) await upsertTarget(database.db, { source: 'github', key, displayName: key });
		await database.close();
	});
	afterAll(async () => {
		await replay.close();
		await store.cleanup();
	});

	it('backfills one target with --target, printing each page and a summary, and exits 0', async () => {
		const { code, output } = await runBackfillCommand(['--target', 'github:danvk/comparea'], env);
		expect(output).toContain('github:danvk/comparea releases page 1 stored');
		expect(output).toContain('github:danvk/comparea stars page 1 stored');
		expect(output).toContain('ok     github:danvk/comparea');
		expect(output).toMatch(/github-backfill: ok, 1 target\(s\) advanced, 0 failed, 3 request\(s\), rate budget left 4913/);
		expect(output).toMatch(/github-contributor-history: ok, 1 target\(s\) advanced, 0 failed, 1 request\(s\)/);
		expect(output).not.toContain('ecosystem-backfill');
		expect(code).toBe(0);
	});

	it('lists a failed target and exits 1; a repository whose stars are refused is settled, not failed', async () => {
		const { code, output } = await runBackfillCommand([], env);
		expect(output).toContain('ok     github:octocat/Hello-World');
		expect(output).toContain('failed github:acme/broken (invalidResponse)');
		expect(code).toBe(1);
	});
});

describe('npm run backfill refusing its input', () => {
	it('exits 2 on bad usage or configuration, before it opens the store', async () => {
		const wrongSource = await runScriptExpectingRefusal('scripts/backfill.ts', ['--target', 'dockerhub:library/nginx']);
		expect(wrongSource).toMatchObject({ code: 2, isStoreUntouched: true });
		expect(wrongSource.output).toContain('--target: only github and ecosystem targets have a history backfill');
		expect(await runScriptExpectingRefusal('scripts/backfill.ts', ['--max-requests', '0'])).toMatchObject({ code: 2, isStoreUntouched: true });
		const badConfig = await runScriptExpectingRefusal('scripts/backfill.ts', [], { HTTP_TIMEOUT_MS: 'soon' });
		expect(badConfig).toMatchObject({ code: 2, isStoreUntouched: true });
		expect(badConfig.output).toContain('HTTP_TIMEOUT_MS: expected milliseconds');
	});
});
