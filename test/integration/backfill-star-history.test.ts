import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { backfillGithub, type GithubBackfillOptions } from '../../jobs/collectors/github/backfill/backfill.js';
import { starHistoryNote } from '../../jobs/collectors/github/backfill/star-history.js';
import { starsHistoryNote } from '../../jobs/collectors/github/backfill/stars.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries } from '../../src/lib/server/db/queries/targets.js';
import { useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';
import { githubBackfillSetup, historyPath, readBackfillFixture, realStarsPage, releasesPath, starsPath } from '../helpers/github-backfill.js';

// The documented example: the week of 2025-08-10 (a Sunday), 12 stars on Monday, 7 on Tuesday.
const { status: historyStatus, headers: historyHeaders, body: historyBody } = readBackfillFixture('doc-star-history.json');

const weekSeconds = 7 * 86_400;
const documentedWeek = 1754784000;
// An older page: two weeks before the documented one, 3 stars on Sunday 2025-07-27 and 1 on Saturday 2025-08-02,
// then an empty week (GitHub sends weeks without stars as zeros).
const olderPage = [
	{ week: documentedWeek - weekSeconds, total: 0, days: [0, 0, 0, 0, 0, 0, 0] },
	{ week: documentedWeek - 2 * weekSeconds, total: 4, days: [3, 0, 0, 0, 0, 0, 1] }
];
const expectedSeries = [['2025-07-27', 3], ['2025-08-02', 4], ['2025-08-11', 16], ['2025-08-12', 23]];

describe.each(testBackends)('GitHub star history backfill on $name', (backend) => {
	const h = useCollectorHarness(backend, githubBackfillSetup);
	const run = (options: GithubBackfillOptions = {}) => backfillGithub(h.db, h.config(), { ...h.options(), ...options });
	const starsOf = (key: string) => h.listSamples(key, 'stars');
	const backfillStateOf = async (key: string) => (await h.getTarget(key)).metadata.backfill;
	const routeHistory = (key: string) => {
		h.replay.route(releasesPath(key, 1), { body: [] });
		h.replay.route(historyPath(key, 1), {
			status: historyStatus,
			body: historyBody,
			headers: { ...historyHeaders, link: `<${h.replay.url}${historyPath(key, 2)}>; rel="next"` }
		});
		h.replay.route(historyPath(key, 2), { body: olderPage });
	};

	it("turns the history's days into cumulative daily stars, reconstructed, with a note on what GitHub counts, and never lists the stargazers", async () => {
		await h.addTarget('acme/history');
		routeHistory('acme/history');
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 1, targetsFailed: 0, requestsMade: 3 });
		const rows = await starsOf('acme/history');
		expect(rows.map((r) => [r.day, r.value])).toEqual(expectedSeries);
		expect(new Set(rows.map((r) => r.provenance))).toEqual(new Set(['reconstructed']));
		expect(new Set(rows.map((r) => r.hour))).toEqual(new Set([0]));
		expect(rows[0]!.note).toBe(starHistoryNote);
		expect(starHistoryNote).toContain('stars still held today');
		expect(starHistoryNote).toContain('unstarred stars are not in the history');
		expect(h.replay.requests.some((r) => r.path.startsWith('/repos/acme/history/stargazers?'))).toBe(false);
		expect(await backfillStateOf('acme/history')).toMatchObject({ starsSource: 'history', isStarsDone: true, isReleasesDone: true });
	});

	it('writes nothing new on a second run, nor when the history is read again after its progress is lost', async () => {
		const targetId = await h.addTarget('acme/history');
		routeHistory('acme/history');
		await run();
		const before = await starsOf('acme/history');
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 0, requestsMade: 0 });
		await h.db.execute(sql`update targets set metadata = '{}'::jsonb where id = ${targetId}`);
		const writtenAt = await h.countSamples();
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 1, requestsMade: 3 });
		expect(await starsOf('acme/history')).toEqual(before);
		expect(await h.countSamples()).toBe(writtenAt);
	});

	it('keeps an observed sample where the history rebuilds the same day', async () => {
		const targetId = await h.addTarget('acme/history');
		const seriesId = await upsertSeries(h.db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
		await upsertSamples(h.db, seriesId, 'observed', [{ ts: new Date('2025-08-12T00:00:00Z'), value: 30 }]);
		routeHistory('acme/history');
		await run();
		expect((await starsOf('acme/history')).map((r) => [r.day, r.value, r.provenance])).toEqual([
			['2025-07-27', 3, 'reconstructed'], ['2025-08-02', 4, 'reconstructed'], ['2025-08-11', 16, 'reconstructed'], ['2025-08-12', 30, 'observed']
		]);
	});

	it.each([404, 410, 403])('falls back to the stargazers with starred_at when the history answers %i, and does not ask it again', async (status) => {
		await h.addTarget('danvk/comparea');
		h.replay.route(releasesPath('danvk/comparea', 1), { body: [] });
		h.replay.route(historyPath('danvk/comparea', 1), { status, headers: { 'x-ratelimit-remaining': '4990' }, body: { message: 'Not Found' } });
		h.replay.route(starsPath('danvk/comparea', 1), realStarsPage);
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 1, requestsMade: 3 });
		const rows = await starsOf('danvk/comparea');
		expect(rows.map((r) => [r.day, r.value])).toEqual([
			['2014-08-13', 1], ['2014-10-15', 2], ['2015-04-14', 3], ['2015-04-29', 5], ['2015-05-09', 6]
		]);
		expect(rows[0]!.note).toBe(starsHistoryNote);
		expect(await backfillStateOf('danvk/comparea')).toMatchObject({ starsSource: 'stargazers', isStarsDone: true });
		expect(h.replay.countRequests()).toBe(3);
	});

	it('records an invalid history as invalidResponse for the target and writes no stars', async () => {
		await h.addTarget('acme/broken');
		h.replay.route(releasesPath('acme/broken', 1), { body: [] });
		// Six days where the documentation promises seven.
		h.replay.route(historyPath('acme/broken', 1), { body: [{ week: documentedWeek, total: 19, days: [0, 12, 7, 0, 0, 0] }] });
		h.replay.route(starsPath('acme/broken', 1), realStarsPage);
		const report = await run();
		expect(report).toMatchObject({ status: 'failed', targetsDone: 0, targetsFailed: 1, requestsMade: 2 });
		expect(report.failures[0]).toMatchObject({ target: 'acme/broken', kind: 'invalidResponse' });
		expect(await starsOf('acme/broken')).toEqual([]);
		expect(await backfillStateOf('acme/broken')).not.toHaveProperty('starsSource');
		expect(h.replay.requests.some((r) => r.path.startsWith('/repos/acme/broken/stargazers?'))).toBe(false);
	});

	it('writes nothing when the budget ends between history pages, and the next run reads the whole history', async () => {
		await h.addTarget('acme/history');
		routeHistory('acme/history');
		expect(await run({ maxRequests: 2 })).toMatchObject({ status: 'ok', requestsMade: 2 });
		expect(await starsOf('acme/history')).toEqual([]);
		expect(await backfillStateOf('acme/history')).not.toHaveProperty('starsSource');
		expect(await run({ maxRequests: 2 })).toMatchObject({ status: 'ok', requestsMade: 2 });
		expect(await h.listDailyValues('acme/history', 'stars')).toEqual(expectedSeries);
	});
});
