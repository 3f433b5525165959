import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backfillEcosystem, ecosystemHistoryNote } from '../../jobs/collectors/ecosystem/backfill.js';
import { collectEcosystem } from '../../jobs/collectors/ecosystem/collect.js';
import { loadConfig } from '../../src/lib/server/config.js';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';
import { ReplayServer } from '../helpers/replay-server.js';

const dockerhubSearch = JSON.parse(readFileSync('test/fixtures/dockerhub/zbplan-dockerhub-search-nginx.json', 'utf8'));
const githubSearch = JSON.parse(readFileSync('test/fixtures/github/doc-search-repositories-docker.json', 'utf8'));
const dockerhubPath = '/v2/search/repositories/?query=nginx&page_size=1';
const githubPath = '/search/repositories?q=docker%20in%3Aname%2Cdescription%2Ctopics&per_page=1';

describe.each(testBackends)('ecosystem collector on $name', (backend) => {
	let database: Database;
	let replay: ReplayServer;
	const collect = () =>
		collectEcosystem(
			database.db,
			loadConfig({ DOCKERHUB_API_URL: replay.url, GITHUB_API_URL: replay.url, HTTP_RETRY_BASE_MS: '1', HTTP_MAX_RETRIES: '1' }),
			{ now: () => new Date('2026-11-28T04:30:00Z'), sleep: async () => {} }
		);
	const valueOf = async (key: string) =>
		(
			await queryRows<{ metric: string; value: number }>(
				database.db,
				sql`select se.metric, s.value from samples s join series se on se.id = s.series_id join targets t on t.id = se.target_id
					where t.source = 'ecosystem' and t.key = ${key}`
			)
		)[0];

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());
	beforeEach(async () => {
		replay = await ReplayServer.start();
		await database.db.execute(sql`delete from targets where source = 'ecosystem'`);
	});
	afterEach(() => replay.close());

	it("stores the totals of Docker Hub's and GitHub's searches as repositories", async () => {
		for (const key of ['dockerhub-repos:nginx', 'github-repos:docker']) {
			await upsertTarget(database.db, { source: 'ecosystem', key, displayName: key });
		}
		replay.route(dockerhubPath, { body: dockerhubSearch }).route(githubPath, { body: githubSearch });
		const report = await collect();
		expect(replay.requests.map((r) => r.path).sort()).toEqual([githubPath, dockerhubPath].sort());
		expect(report).toMatchObject({ status: 'ok', targetsDone: 2, requestsMade: 2 });
		expect(await valueOf('dockerhub-repos:nginx')).toEqual({ metric: 'repositories', value: 284_295 });
		expect(await valueOf('github-repos:docker')).toEqual({ metric: 'repositories', value: 1_283_417 });
	});

	it('reports an unknown kind of query and a search answer without a total, writing nothing for them', async () => {
		for (const key of ['npm-packages:docker', 'github-repos:docker']) {
			await upsertTarget(database.db, { source: 'ecosystem', key, displayName: key });
		}
		replay.route(githubPath, { body: { items: [] } });
		const report = await collect();
		expect(Object.fromEntries(report.failures.map((f) => [f.target, f.kind]))).toEqual({
			'npm-packages:docker': 'notFound',
			'github-repos:docker': 'invalidResponse'
		});
		expect(await valueOf('github-repos:docker')).toBeUndefined();
	});

	it('rebuilds the monthly history from created:< windows, resuming where the last run stopped', async () => {
		await upsertTarget(database.db, { source: 'ecosystem', key: 'github-repos:docker', displayName: 'docker' });
		const monthPath = (before: string) =>
			`/search/repositories?q=docker%20in%3Aname%2Cdescription%2Ctopics%20created%3A%3C${before}&per_page=1`;
		replay.route(monthPath('2026-09-01'), { body: { total_count: 1_200_000, items: [] } });
		replay.route(monthPath('2026-10-01'), { body: { total_count: 1_230_000, items: [] } });
		replay.route(monthPath('2026-11-01'), { body: { total_count: 1_260_000, items: [] } });
		const config = loadConfig({ GITHUB_API_URL: replay.url, HTTP_RETRY_BASE_MS: '1' });
		const backfill = (maxRequests: number) =>
			backfillEcosystem(database.db, config, { now: () => new Date('2026-11-28T05:00:00Z'), maxRequests, firstMonth: '2026-08', sleep: async () => {} });
		expect(await backfill(2)).toMatchObject({ status: 'ok', requestsMade: 2 });
		expect(await backfill(2)).toMatchObject({ status: 'ok', requestsMade: 1 });
		expect(await backfill(2)).toMatchObject({ status: 'ok', requestsMade: 0 });
		const rows = await queryRows<{ day: string; value: number; provenance: string; note: string }>(
			database.db,
			sql`select to_char(s.ts, 'YYYY-MM-DD') as day, s.value, s.provenance, se.note from samples s join series se on se.id = s.series_id
				join targets t on t.id = se.target_id where t.source = 'ecosystem' and t.key = 'github-repos:docker' order by s.ts`
		);
		expect(rows.map((r) => [r.day, r.value, r.provenance])).toEqual([
			['2026-08-31', 1_200_000, 'reconstructed'],
			['2026-09-30', 1_230_000, 'reconstructed'],
			['2026-10-31', 1_260_000, 'reconstructed']
		]);
		expect(rows[0]!.note).toBe(ecosystemHistoryNote);
	});
});
