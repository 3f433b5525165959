import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backfillContributorHistory, computeCumulativeContributors, contributorHistoryNote, mergeFirstMonths } from '../../jobs/collectors/github/contributor-history.js';
import { loadConfig } from '../../src/lib/server/config.js';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';
import { ReplayServer } from '../helpers/replay-server.js';

// Commits in the shape of GET /repos/{owner}/{repo}/commits (docs.github.com/en/rest/commits/commits),
// trimmed to the fields used: `author` is the matched GitHub account or null.
const commit = (login: string | null, email: string, date: string) => ({
	sha: `${login ?? email}-${date}`,
	author: login ? { login } : null,
	commit: { author: { name: login ?? email, email, date } }
});
const page1 = [
	commit('alice', 'alice@example.com', '2014-03-02T10:00:00Z'),
	commit('dependabot[bot]', '49699333+dependabot[bot]@users.noreply.github.com', '2014-03-01T00:00:00Z'),
	commit(null, 'Carol@Example.com', '2014-02-20T23:59:59Z')
];
const page2 = [
	commit('Alice', 'alice@old-job.example', '2014-01-15T09:00:00Z'),
	commit('bob', 'bob@example.com', '2014-01-31T23:30:00-02:00'),
	commit(null, 'carol@example.com', '2014-02-01T00:00:00Z')
];

describe('contributor history arithmetic', () => {
	it('keeps the first month of each identity, without bots, and accumulates per month', () => {
		const firstMonths: Record<string, string> = {};
		mergeFirstMonths(firstMonths, [...page1.map(toAuthor), ...page2.map(toAuthor)]);
		// Alice once despite two e-mails and a capital; Bob's commit is February in UTC; Carol by e-mail.
		expect(firstMonths).toEqual({ 'login:alice': '2014-01', 'login:bob': '2014-02', 'email:carol@example.com': '2014-02' });
		expect(computeCumulativeContributors(firstMonths, '2014-04')).toEqual([
			['2014-01', 1],
			['2014-02', 3],
			['2014-03', 3],
			['2014-04', 3]
		]);
	});
});

function toAuthor(c: ReturnType<typeof commit>) {
	return { login: c.author?.login, email: c.commit.author.email, date: c.commit.author.date };
}

describe.each(testBackends)('contributor history backfill on $name', (backend) => {
	let database: Database;
	let replay: ReplayServer;
	const path = (page: number) => `/repos/acme/widget/commits?per_page=100&page=${page}`;
	const run = (maxRequests: number) =>
		backfillContributorHistory(database.db, loadConfig({ GITHUB_API_URL: replay.url, HTTP_RETRY_BASE_MS: '1' }), {
			now: () => new Date('2014-05-10T00:00:00Z'),
			maxRequests,
			sleep: async () => {}
		});

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());
	beforeEach(async () => {
		replay = await ReplayServer.start();
		await upsertTarget(database.db, { source: 'github', key: 'acme/widget', displayName: 'widget' });
	});
	afterEach(() => replay.close());

	it('reads the commit list across runs and writes the cumulative series once complete', async () => {
		replay.route(path(1), { body: page1, headers: { link: `<${replay.url}${path(2)}>; rel="next", <${replay.url}${path(2)}>; rel="last"`, 'x-ratelimit-remaining': '4000' } });
		replay.route(path(2), { body: page2, headers: { 'x-ratelimit-remaining': '3999' } });
		expect(await run(1)).toMatchObject({ status: 'ok', requestsMade: 1 });
		const stored = () =>
			queryRows<{ day: string; value: number; provenance: string; note: string }>(
				database.db,
				sql`select to_char(s.ts, 'YYYY-MM-DD') as day, s.value, s.provenance, se.note from samples s
					join series se on se.id = s.series_id join targets t on t.id = se.target_id where t.key = 'acme/widget' order by s.ts`
			);
		expect(await stored()).toEqual([]);
		expect(await run(5)).toMatchObject({ status: 'ok', requestsMade: 1 });
		const rows = await stored();
		expect(rows.map((r) => [r.day, r.value, r.provenance])).toEqual([
			['2014-01-31', 1, 'reconstructed'],
			['2014-02-28', 3, 'reconstructed'],
			['2014-03-31', 3, 'reconstructed'],
			['2014-04-30', 3, 'reconstructed']
		]);
		expect(rows[0]!.note).toBe(contributorHistoryNote);
		expect(await run(5)).toMatchObject({ requestsMade: 0 });
		expect(replay.countRequests()).toBe(2);
	});

	it('spends only its share of the rate budget left', async () => {
		await database.db.execute(sql`update targets set metadata = '{}'::jsonb where key = 'acme/widget'`);
		replay.route(path(1), { body: page1, headers: { link: `<${replay.url}${path(2)}>; rel="next"`, 'x-ratelimit-remaining': '9' } });
		replay.route(path(2), { body: page1, headers: { link: `<${replay.url}${path(3)}>; rel="next"`, 'x-ratelimit-remaining': '8' } });
		replay.route(path(3), { body: page2, headers: { 'x-ratelimit-remaining': '7' } });
		// 20% of the 10 requests left when the run began: 2.
		expect(await run(100)).toMatchObject({ requestsMade: 2 });
	});
});
