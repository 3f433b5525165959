import { describe, expect, it } from 'vitest';
import { backfillEcosystem, ecosystemHistoryNote } from '../../jobs/collectors/ecosystem/backfill.js';
import { collectEcosystem, dockerHubSearchNote } from '../../jobs/collectors/ecosystem/collect.js';
import { readFixture, useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';

const dockerhubSearch = readFixture('dockerhub/zbplan-dockerhub-search-nginx.json');
const githubSearch = readFixture('github/doc-search-repositories-docker.json');
const dockerhubPath = '/v2/search/repositories/?query=nginx&page_size=1';
const githubPath = '/search/repositories?q=docker%20in%3Aname%2Cdescription%2Ctopics&per_page=1';

describe.each(testBackends)('ecosystem collector on $name', (backend) => {
	const h = useCollectorHarness(backend, { source: 'ecosystem', startAt: '2026-11-28T04:30:00Z', env: { HTTP_MAX_RETRIES: '1' } });
	const collect = () => collectEcosystem(h.db, h.config(), h.options());
	/** The one sample of an ecosystem query's series, if any. */
	const valueOf = async (key: string) => {
		const [sample] = await h.listSamples(key);
		return sample && { metric: sample.metric, value: sample.value };
	};

	it("stores the totals of Docker Hub's and GitHub's searches as repositories", async () => {
		await h.addTargets('dockerhub-repos:nginx', 'github-repos:docker');
		h.replay.route(dockerhubPath, { body: dockerhubSearch }).route(githubPath, { body: githubSearch });
		const report = await collect();
		expect(h.replay.requests.map((r) => r.path).sort()).toEqual([githubPath, dockerhubPath].sort());
		expect(report).toMatchObject({ status: 'ok', targetsDone: 2, requestsMade: 2 });
		expect(await valueOf('dockerhub-repos:nginx')).toEqual({ metric: 'repositories', value: 284_295 });
		expect(await valueOf('github-repos:docker')).toEqual({ metric: 'repositories', value: 1_283_417 });
	});

	it('reports an unknown kind of query and a search answer without a total, writing nothing for them', async () => {
		await h.addTargets('npm-packages:docker', 'github-repos:docker');
		h.replay.route(githubPath, { body: { items: [] } });
		const report = await collect();
		expect(Object.fromEntries(report.failures.map((f) => [f.target, f.kind]))).toEqual({
			'npm-packages:docker': 'notFound',
			'github-repos:docker': 'invalidResponse'
		});
		expect(await valueOf('github-repos:docker')).toBeUndefined();
	});

	it('stores nothing for a GitHub search that answers incomplete_results, fails the target as a timeout and takes the total at the next run', async () => {
		await h.addTarget('github-repos:docker');
		// GitHub's search timed out and says so: total_count is too low (a false drop if stored).
		const incomplete = { body: { total_count: 912_004, incomplete_results: true, items: [] } };
		const complete = { body: { total_count: 1_283_417, incomplete_results: false, items: [] } };
		h.replay.route(githubPath, incomplete, complete);
		const first = await collect();
		expect(first.failures).toEqual([{ target: 'github-repos:docker', kind: 'timeout', message: expect.stringContaining('incomplete_results') }]);
		expect(await h.listSamples('github-repos:docker')).toEqual([]);
		expect((await h.getTarget('github-repos:docker')).status).toBe('failing');
		h.clockMs += 86_400_000;
		expect(await collect()).toMatchObject({ status: 'ok', targetsDone: 1 });
		const samples = await h.listSamples('github-repos:docker');
		expect(samples.map((s) => [s.value, s.flags])).toEqual([[1_283_417, []]]);
	});

	it('does not pass a month whose search answer is incomplete: the next backfill asks it again', async () => {
		await h.addTarget('github-repos:docker');
		const path = '/search/repositories?q=docker%20in%3Aname%2Cdescription%2Ctopics%20created%3A%3C2026-11-01&per_page=1';
		h.replay.route(path, { body: { total_count: 3, incomplete_results: true, items: [] } }, { body: { total_count: 1_260_000, incomplete_results: false, items: [] } });
		h.clockMs = Date.parse('2026-11-28T05:00:00Z');
		const backfill = () => backfillEcosystem(h.db, h.config(), { ...h.options(), maxRequests: 5, firstMonth: '2026-10' });
		expect((await backfill()).failures.map((f) => f.kind)).toEqual(['timeout']);
		expect(await h.listSamples('github-repos:docker')).toEqual([]);
		expect(await backfill()).toMatchObject({ status: 'ok', requestsMade: 1 });
		expect((await h.listSamples('github-repos:docker')).map((r) => [r.day, r.value])).toEqual([['2026-10-31', 1_260_000]]);
	});

	it('stores a Docker Hub search count at the 10,000 cap with the flag capped and a series note, and an uncapped one without', async () => {
		await h.addTargets('dockerhub-repos:docker', 'dockerhub-repos:nginx');
		// Written from API-NOTES.md (older answers stop at 10,000); no recorded capped answer exists.
		h.replay.route('/v2/search/repositories/?query=docker&page_size=1', { body: { count: 10_000, next: null, results: [] } });
		h.replay.route(dockerhubPath, { body: dockerhubSearch });
		expect(await collect()).toMatchObject({ status: 'ok', targetsDone: 2 });
		const [capped] = await h.listSamples('dockerhub-repos:docker');
		expect(capped).toMatchObject({ value: 10_000, flags: ['capped'], note: dockerHubSearchNote });
		const [measured] = await h.listSamples('dockerhub-repos:nginx');
		expect(measured).toMatchObject({ value: 284_295, flags: [] });
	});

	it('rebuilds the monthly history from created:< windows, resuming where the last run stopped', async () => {
		await h.addTarget('github-repos:docker');
		const monthPath = (before: string) =>
			`/search/repositories?q=docker%20in%3Aname%2Cdescription%2Ctopics%20created%3A%3C${before}&per_page=1`;
		h.replay.route(monthPath('2026-09-01'), { body: { total_count: 1_200_000, items: [] } });
		h.replay.route(monthPath('2026-10-01'), { body: { total_count: 1_230_000, items: [] } });
		h.replay.route(monthPath('2026-11-01'), { body: { total_count: 1_260_000, items: [] } });
		h.clockMs = Date.parse('2026-11-28T05:00:00Z');
		const backfill = (maxRequests: number) => backfillEcosystem(h.db, h.config(), { ...h.options(), maxRequests, firstMonth: '2026-08' });
		expect(await backfill(2)).toMatchObject({ status: 'ok', requestsMade: 2 });
		expect(await backfill(2)).toMatchObject({ status: 'ok', requestsMade: 1 });
		expect(await backfill(2)).toMatchObject({ status: 'ok', requestsMade: 0 });
		const rows = await h.listSamples('github-repos:docker');
		expect(rows.map((r) => [r.day, r.value, r.provenance])).toEqual([
			['2026-08-31', 1_200_000, 'reconstructed'],
			['2026-09-30', 1_230_000, 'reconstructed'],
			['2026-10-31', 1_260_000, 'reconstructed']
		]);
		expect(rows[0]!.note).toBe(ecosystemHistoryNote);
	});
});
