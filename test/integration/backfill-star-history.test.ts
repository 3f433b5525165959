import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backfillGithub, type GithubBackfillOptions } from '../../jobs/collectors/github/backfill/backfill.js';
import { starHistoryNote } from '../../jobs/collectors/github/backfill/star-history.js';
import { starsHistoryNote } from '../../jobs/collectors/github/backfill/stars.js';
import { loadConfig } from '../../src/lib/server/config.js';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';
import { ReplayServer, type ReplayAnswer } from '../helpers/replay-server.js';

const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/github/backfill/${name}`, 'utf8'));
// The documented example: the week of 2025-08-10 (a Sunday), 12 stars on Monday, 7 on Tuesday.
const { status: historyStatus, headers: historyHeaders, body: historyBody } = fixture('doc-star-history.json');
const recorded = fixture('pygithub-Repository.testGetStargazersWithDates.json').exchanges[0];
const realStarsPage: ReplayAnswer = { body: recorded.body, headers: { 'x-ratelimit-remaining': recorded.headers['x-ratelimit-remaining'] } };

const weekSeconds = 7 * 86_400;
const documentedWeek = 1754784000;
// An older page: two weeks before the documented one, 3 stars on Sunday 2025-07-27 and 1 on Saturday 2025-08-02,
// then an empty week (GitHub sends weeks without stars as zeros).
const olderPage = [
	{ week: documentedWeek - weekSeconds, total: 0, days: [0, 0, 0, 0, 0, 0, 0] },
	{ week: documentedWeek - 2 * weekSeconds, total: 4, days: [3, 0, 0, 0, 0, 0, 1] }
];
const expectedSeries = [['2025-07-27', 3], ['2025-08-02', 4], ['2025-08-11', 16], ['2025-08-12', 23]];

const historyPath = (key: string, page: number) => `/repos/${key}/stargazers/history?per_page=30&page=${page}`;
const starsPath = (key: string, page: number) => `/repos/${key}/stargazers?per_page=100&page=${page}`;
const releasesPath = (key: string, page: number) => `/repos/${key}/releases?per_page=100&page=${page}`;

describe.each(testBackends)('GitHub star history backfill on $name', (backend) => {
	let database: Database;
	let replay: ReplayServer;
	const now = () => new Date('2026-11-28T10:05:00Z');
	const run = (options: GithubBackfillOptions = {}) =>
		backfillGithub(
			database.db,
			loadConfig({ GITHUB_API_URL: replay.url, HTTP_TIMEOUT_MS: '5000', HTTP_RETRY_BASE_MS: '1', HTTP_MAX_RETRIES: '1' }),
			{ now, sleep: async () => {}, ...options }
		);
	const addTarget = (key: string) => upsertTarget(database.db, { source: 'github', key, displayName: key });
	const starsOf = (key: string) =>
		queryRows<{ day: string; value: number; provenance: string; note: string | null; hour: number }>(
			database.db,
			sql`select to_char(s.ts at time zone 'UTC', 'YYYY-MM-DD') as day, s.value, s.provenance, se.note,
					extract(hour from s.ts at time zone 'UTC')::int as hour
				from samples s join series se on se.id = s.series_id join targets t on t.id = se.target_id
				where t.source = 'github' and t.key = ${key} and se.metric = 'stars' order by s.ts`
		);
	const dailyStars = async (key: string) => (await starsOf(key)).map((s) => [s.day, s.value]);
	const backfillStateOf = async (key: string) =>
		(await queryRows<{ metadata: { backfill?: Record<string, unknown> } }>(
			database.db,
			sql`select metadata from targets where source = 'github' and key = ${key}`
		))[0]!.metadata.backfill;
	const routeHistory = (key: string) => {
		replay.route(releasesPath(key, 1), { body: [] });
		replay.route(historyPath(key, 1), {
			status: historyStatus,
			body: historyBody,
			headers: { ...historyHeaders, link: `<${replay.url}${historyPath(key, 2)}>; rel="next"` }
		});
		replay.route(historyPath(key, 2), { body: olderPage });
	};

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());
	beforeEach(async () => {
		replay = await ReplayServer.start();
		await database.db.execute(sql`delete from targets where source = 'github'`);
		await database.db.execute(sql`delete from collection_runs`);
	});
	afterEach(() => replay.close());

	it("turns the history's days into cumulative daily stars, reconstructed, with a note on what GitHub counts, and never lists the stargazers", async () => {
		await addTarget('acme/history');
		routeHistory('acme/history');
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 1, targetsFailed: 0, requestsMade: 3 });
		const rows = await starsOf('acme/history');
		expect(rows.map((r) => [r.day, r.value])).toEqual(expectedSeries);
		expect(new Set(rows.map((r) => r.provenance))).toEqual(new Set(['reconstructed']));
		expect(new Set(rows.map((r) => r.hour))).toEqual(new Set([0]));
		expect(rows[0]!.note).toBe(starHistoryNote);
		expect(starHistoryNote).toContain('stars still held today');
		expect(starHistoryNote).toContain('unstarred stars are not in the history');
		expect(replay.requests.some((r) => r.path.startsWith('/repos/acme/history/stargazers?'))).toBe(false);
		expect(await backfillStateOf('acme/history')).toMatchObject({ starsSource: 'history', isStarsDone: true, isReleasesDone: true });
	});

	it('writes nothing new on a second run, nor when the history is read again after its progress is lost', async () => {
		const targetId = await addTarget('acme/history');
		routeHistory('acme/history');
		await run();
		const before = await starsOf('acme/history');
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 0, requestsMade: 0 });
		await database.db.execute(sql`update targets set metadata = '{}'::jsonb where id = ${targetId}`);
		const writtenAt = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from samples`);
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 1, requestsMade: 3 });
		expect(await starsOf('acme/history')).toEqual(before);
		expect(await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from samples`)).toEqual(writtenAt);
	});

	it('keeps an observed sample where the history rebuilds the same day', async () => {
		const targetId = await addTarget('acme/history');
		const seriesId = await upsertSeries(database.db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
		await upsertSamples(database.db, seriesId, 'observed', [{ ts: new Date('2025-08-12T00:00:00Z'), value: 30 }]);
		routeHistory('acme/history');
		await run();
		expect((await starsOf('acme/history')).map((r) => [r.day, r.value, r.provenance])).toEqual([
			['2025-07-27', 3, 'reconstructed'], ['2025-08-02', 4, 'reconstructed'], ['2025-08-11', 16, 'reconstructed'], ['2025-08-12', 30, 'observed']
		]);
	});

	it.each([404, 410, 403])('falls back to the stargazers with starred_at when the history answers %i, and does not ask it again', async (status) => {
		await addTarget('danvk/comparea');
		replay.route(releasesPath('danvk/comparea', 1), { body: [] });
		replay.route(historyPath('danvk/comparea', 1), { status, headers: { 'x-ratelimit-remaining': '4990' }, body: { message: 'Not Found' } });
		replay.route(starsPath('danvk/comparea', 1), realStarsPage);
		expect(await run()).toMatchObject({ status: 'ok', targetsDone: 1, requestsMade: 3 });
		const rows = await starsOf('danvk/comparea');
		expect(rows.map((r) => [r.day, r.value])).toEqual([
			['2014-08-13', 1], ['2014-10-15', 2], ['2015-04-14', 3], ['2015-04-29', 5], ['2015-05-09', 6]
		]);
		expect(rows[0]!.note).toBe(starsHistoryNote);
		expect(await backfillStateOf('danvk/comparea')).toMatchObject({ starsSource: 'stargazers', isStarsDone: true });
		expect(replay.countRequests()).toBe(3);
	});

	it('records an invalid history as invalidResponse for the target and writes no stars', async () => {
		await addTarget('acme/broken');
		replay.route(releasesPath('acme/broken', 1), { body: [] });
		// Six days where the documentation promises seven.
		replay.route(historyPath('acme/broken', 1), { body: [{ week: documentedWeek, total: 19, days: [0, 12, 7, 0, 0, 0] }] });
		replay.route(starsPath('acme/broken', 1), realStarsPage);
		const report = await run();
		expect(report).toMatchObject({ status: 'failed', targetsDone: 0, targetsFailed: 1, requestsMade: 2 });
		expect(report.failures[0]).toMatchObject({ target: 'acme/broken', kind: 'invalidResponse' });
		expect(await starsOf('acme/broken')).toEqual([]);
		expect(await backfillStateOf('acme/broken')).not.toHaveProperty('starsSource');
		expect(replay.requests.some((r) => r.path.startsWith('/repos/acme/broken/stargazers?'))).toBe(false);
	});

	it('writes nothing when the budget ends between history pages, and the next run reads the whole history', async () => {
		await addTarget('acme/history');
		routeHistory('acme/history');
		expect(await run({ maxRequests: 2 })).toMatchObject({ status: 'ok', requestsMade: 2 });
		expect(await starsOf('acme/history')).toEqual([]);
		expect(await backfillStateOf('acme/history')).not.toHaveProperty('starsSource');
		expect(await run({ maxRequests: 2 })).toMatchObject({ status: 'ok', requestsMade: 2 });
		expect(await dailyStars('acme/history')).toEqual(expectedSeries);
	});
});
