import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { backfillContributorHistory, computeCumulativeContributors, contributorHistoryNote, mergeFirstMonths } from '../../jobs/collectors/github/contributor-history.js';
import { useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';

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
	const h = useCollectorHarness(backend, { source: 'github', startAt: '2014-05-10T00:00:00Z' });
	const path = (page: number) => `/repos/acme/widget/commits?per_page=100&page=${page}`;
	const run = (maxRequests: number) => backfillContributorHistory(h.db, h.config(), { ...h.options(), maxRequests });

	beforeEach(async () => {
		await h.addTarget('acme/widget');
	});

	it('reads the commit list across runs and writes the cumulative series once complete', async () => {
		h.replay.route(path(1), { body: page1, headers: { link: `<${h.replay.url}${path(2)}>; rel="next", <${h.replay.url}${path(2)}>; rel="last"`, 'x-ratelimit-remaining': '4000' } });
		h.replay.route(path(2), { body: page2, headers: { 'x-ratelimit-remaining': '3999' } });
		expect(await run(1)).toMatchObject({ status: 'ok', requestsMade: 1 });
		const stored = () => h.listSamples('acme/widget');
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
		expect(h.replay.countRequests()).toBe(2);
	});

	it('spends only its share of the rate budget left', async () => {
		await h.db.execute(sql`update targets set metadata = '{}'::jsonb where key = 'acme/widget'`);
		h.replay.route(path(1), { body: page1, headers: { link: `<${h.replay.url}${path(2)}>; rel="next"`, 'x-ratelimit-remaining': '9' } });
		h.replay.route(path(2), { body: page1, headers: { link: `<${h.replay.url}${path(3)}>; rel="next"`, 'x-ratelimit-remaining': '8' } });
		h.replay.route(path(3), { body: page2, headers: { 'x-ratelimit-remaining': '7' } });
		// 20% of the 10 requests left when the run began: 2.
		expect(await run(100)).toMatchObject({ requestsMade: 2 });
	});
});
