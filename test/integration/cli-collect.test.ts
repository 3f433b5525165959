import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/lib/server/db/client.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';
import { ReplayServer } from '../helpers/replay-server.js';
import { createStoreEnv, openStoreEnvDatabase, runScript, runScriptExpectingRefusal } from '../helpers/server.js';

// A test here runs the CLIs as `npm run` does: a tsx process each, opening the store (a PGlite store
// takes seconds of CPU to open). Three in a row passed a minute on 2 busy cores, so these tests get three.
vi.setConfig({ testTimeout: 180_000 });

const nginx = JSON.parse(readFileSync('test/fixtures/dockerhub/doc-repository-library-nginx.json', 'utf8'));
const githubBatch = JSON.parse(readFileSync('test/fixtures/github/doc-graphql-repositories.json', 'utf8'));
const ecosystemSearch = JSON.parse(readFileSync('test/fixtures/github/doc-search-repositories-docker.json', 'utf8'));
// The last page of a releases listing (no next link): one release, one asset of 6,600 downloads.
const releasesPage = JSON.parse(readFileSync('test/fixtures/github/doc-rest-releases-page-2.json', 'utf8'));
const githubKeys = ['docker/compose', 'kubernetes/kubernetes', 'moby/moby'];
// The real GET /repos/kubernetes/kubernetes answer, whose open_issues_count (3,119) mixes in pull requests.
const kubernetesRest = JSON.parse(readFileSync('test/fixtures/github/perceval-github_repo.json', 'utf8'));

const runCollect = (args: string[], env: Record<string, string>) => runScript('scripts/collect.ts', args, env);

describe.each(testBackends)('npm run collect on $name', (backend) => {
	let store: Awaited<ReturnType<typeof createStoreEnv>>;
	let replay: ReplayServer;
	let env: Record<string, string>;

	beforeAll(async () => {
		store = await createStoreEnv(backend.name);
		replay = await ReplayServer.start();
		replay.route('/v2/namespaces/library/repositories/nginx', { body: nginx });
		// As GitHub does: GraphQL refuses a caller without a token, so the collector asks REST for each repository.
		replay.route('/graphql', { status: 401, body: { message: 'This endpoint requires you to be authenticated.' } });
		for (const [alias, key] of Object.entries(githubBatch._aliases as Record<string, string>)) {
			const served = githubBatch.body.data[alias];
			replay.route(`/repos/${key}`, {
				headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59' },
				body: { ...kubernetesRest, full_name: key, stargazers_count: served.stargazerCount, watchers_count: served.stargazerCount, forks_count: served.forkCount, subscribers_count: served.watchers.totalCount }
			});
		}
		for (const key of githubKeys) {
			replay.route(`/repos/${key}/contributors?per_page=1&anon=true`, {
				headers: { link: `<${replay.url}/repositories/1/contributors?per_page=1&anon=true&page=2>; rel="next", <${replay.url}/repositories/1/contributors?per_page=1&anon=true&page=${key.length}>; rel="last"` },
				body: [{ login: 'octocat', contributions: 1 }]
			});
			replay.route(`/repos/${key}/releases?per_page=100&page=1`, { body: releasesPage.body });
		}
		replay.route('/search/repositories?q=docker%20in%3Aname%2Cdescription%2Ctopics&per_page=1', { body: ecosystemSearch });
		env = { ...store.env, DOCKERHUB_API_URL: replay.url, GITHUB_API_URL: replay.url, HTTP_RETRY_BASE_MS: '1', HTTP_TIMEOUT_MS: '15000' };
		const database = await openStoreEnvDatabase(store.env);
		for (const key of ['library/nginx', 'nobody/nothing']) {
			await upsertTarget(database.db, { source: 'dockerhub', key, displayName: key });
		}
		for (const key of githubKeys) await upsertTarget(database.db, { source: 'github', key, displayName: key });
		await upsertTarget(database.db, { source: 'ecosystem', key: 'github-repos:docker', displayName: 'docker' });
		await database.close();
	});
	afterAll(async () => {
		await replay.close();
		await store.cleanup();
	});

	it('collects every target, lists the failures and exits 1 when some failed', async () => {
		const { code, output } = await runCollect([], env);
		expect(output).toContain(
			'GitHub: no GITHUB_TOKEN, so GitHub is asked over REST within the anonymous limit of 60 requests an hour: ' +
				'hourly stars, forks and watchers (no open issues or releases, which need a token)'
		);
		expect(output).toContain('ok     dockerhub:library/nginx');
		expect(output).toContain('failed dockerhub:nobody/nothing (notFound)');
		expect(output).toMatch(/dockerhub: partial, 1 target\(s\) collected, 1 failed, 2 request\(s\)/);
		expect(code).toBe(1);
	});

	it('stores exactly the values served for every metric of every source, GitHub without a token', async () => {
		const { code } = await runCollect(['--source', 'github'], env);
		expect(code).toBe(0);
		expect((await runCollect(['--source', 'ecosystem'], env)).code).toBe(0);
		const database = await openStoreEnvDatabase(store.env);
		try {
			const rows = await queryRows<{ ref: string; value: number }>(
				database.db,
				sql`select t.source || ':' || t.key || ':' || se.metric as ref, s.value from samples s
					join series se on se.id = s.series_id join targets t on t.id = se.target_id
					where t.source in ('dockerhub', 'github', 'ecosystem') order by 1`
			);
			const stored = Object.fromEntries(rows.map((r) => [r.ref, r.value]));
			const served = githubBatch.body.data;
			for (const [alias, key] of Object.entries(githubBatch._aliases as Record<string, string>)) {
				expect(stored[`github:${key}:stars`]).toBe(served[alias].stargazerCount);
				expect(stored[`github:${key}:forks`]).toBe(served[alias].forkCount);
				expect(stored[`github:${key}:watchers`]).toBe(served[alias].watchers.totalCount);
				// Not collected without a token: REST's open_issues_count includes pull requests.
				expect(stored[`github:${key}:open_issues`]).toBeUndefined();
				expect(stored[`github:${key}:releases`]).toBeUndefined();
				expect(stored[`github:${key}:contributors`]).toBe(key.length);
				expect(stored[`github:${key}:downloads`]).toBe(6_600);
			}
			expect(stored['dockerhub:library/nginx:pulls']).toBe(nginx.pull_count);
			expect(stored['dockerhub:library/nginx:stars']).toBe(nginx.star_count);
			expect(stored['ecosystem:github-repos:docker:repositories']).toBe(ecosystemSearch.total_count);
		} finally {
			await database.close();
		}
	});

	it('collects one target with --target and exits 0', async () => {
		const { code, output } = await runCollect(['--target', 'dockerhub:library/nginx'], env);
		expect(output).toMatch(/dockerhub: ok, 1 target\(s\) collected, 0 failed, 1 request\(s\)/);
		expect(output).toContain('alerts: 0 evaluated, 0 changed; notifications 0 sent');
		expect(code).toBe(0);
	});
});

describe('npm run collect refusing its input', () => {
	it('exits 2 on bad usage or configuration, before it opens the store', async () => {
		expect(await runScriptExpectingRefusal('scripts/collect.ts', ['--source', 'nosuch'])).toMatchObject({ code: 2, isStoreUntouched: true });
		const badConfig = await runScriptExpectingRefusal('scripts/collect.ts', [], { HTTP_TIMEOUT_MS: 'soon' });
		expect(badConfig).toMatchObject({ code: 2, isStoreUntouched: true });
		expect(badConfig.output).toContain('HTTP_TIMEOUT_MS: expected milliseconds');
	});
});
