import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { collectDockerHub } from '../../jobs/collectors/dockerhub/collect.js';
import { queryRows } from '../../src/lib/server/db/client.js';
import { readFixture, useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';
import { ReplayServer } from '../helpers/replay-server.js';

const fixture = (name: string) => readFixture(`dockerhub/${name}`);
const nginx = fixture('doc-repository-library-nginx.json');
const perceval = fixture('perceval-dockerhub_repository_1.json');
const namespacePage1 = fixture('layerslayer-repositories-aciliadevops.json');

const nginxPath = '/v2/namespaces/library/repositories/nginx';
const percevalPath = '/v2/namespaces/grimoirelab/repositories/perceval';

describe.each(testBackends)('Docker Hub collector on $name', (backend) => {
	const h = useCollectorHarness(backend, {
		source: 'dockerhub',
		startAt: '2026-11-28T10:00:00Z',
		env: { HTTP_TIMEOUT_MS: '2000', HTTP_MAX_RETRIES: '2', RATE_LIMIT_MAX_WAIT_MS: '5000', COLLECT_CONCURRENCY: '4' }
	});
	const collect = (onlyKey?: string, env?: Record<string, string>) => collectDockerHub(h.db, h.config(env), { ...h.options(), onlyKey });
	/** The samples of one target as the collector writes them. */
	const samplesOf = async (key: string) =>
		(await h.listSamples(key)).map(({ metric, value, provenance, flags }) => ({ metric, value, provenance, flags }));

	it('stores exactly the pulls and stars served, counters above 2^31 included, and records the run', async () => {
		await h.addTargets('library/nginx', 'grimoirelab/perceval');
		h.replay.route(nginxPath, { body: nginx }).route(percevalPath, { body: perceval });
		const report = await collect();
		expect(await samplesOf('library/nginx')).toEqual([
			{ metric: 'pulls', value: 12_981_954_060, provenance: 'observed', flags: [] },
			{ metric: 'stars', value: 21_268, provenance: 'observed', flags: [] }
		]);
		expect((await samplesOf('grimoirelab/perceval')).map((s) => [s.metric, s.value])).toEqual([
			['pulls', 398],
			['stars', 1]
		]);
		expect(report).toMatchObject({ status: 'ok', targetsDone: 2, targetsFailed: 0, requestsMade: 2, failures: [] });
		expect((await h.getTarget('library/nginx')).metadata).toMatchObject({ lastUpdated: '2026-05-01T18:23:40.000000Z' });
		expect(await h.getRun(report.runId)).toMatchObject({ status: 'ok', requestsMade: 2 });
	});

	it('discovers every repository of a namespace across pages and stores the namespace total', async () => {
		await h.addTargets('aciliadevops');
		const page2Path = '/v2/namespaces/aciliadevops/repositories?page=2&page_size=100';
		const page1 = { ...namespacePage1, next: `https://hub.docker.com${page2Path}` };
		const page2 = { count: 12, next: null, previous: '', results: namespacePage1.results.slice(0, 2).map((r: { name: string }) => ({ ...r, name: `${r.name}-v2`, pull_count: 5 })) };
		h.replay.route('/v2/namespaces/aciliadevops/repositories?page_size=100', { body: page1 }).route(page2Path, { body: page2 });
		const report = await collect();
		expect(report).toMatchObject({ status: 'ok', requestsMade: 2 });
		const expectedPulls = namespacePage1.results.reduce((sum: number, r: { pull_count: number }) => sum + r.pull_count, 0) + 10;
		expect((await samplesOf('aciliadevops')).map((s) => [s.metric, s.value])).toEqual([
			['pulls', expectedPulls],
			['repositories', 12],
			['stars', 0]
		]);
		const memcached = namespacePage1.results.find((r: { name: string }) => r.name === 'memcached');
		expect((await samplesOf('aciliadevops/memcached')).map((s) => s.value)).toEqual([memcached.pull_count, memcached.star_count]);
	});

	it('collects a namespace in listing requests only, run after run, its images included, and still fetches an image outside it', async () => {
		await h.addTargets('aciliadevops', 'aciliadevops/memcached', 'library/nginx');
		const listingPath = '/v2/namespaces/aciliadevops/repositories?page_size=100';
		h.replay.route(listingPath, { body: { ...namespacePage1, next: null } }).route(nginxPath, { body: nginx });
		const names: string[] = namespacePage1.results.map((r: { name: string }) => r.name);
		for (const name of names) h.replay.route(`/v2/namespaces/aciliadevops/repositories/${name}`, { body: {} });
		expect(await collect()).toMatchObject({ status: 'ok', requestsMade: 2 });
		// The second run finds every listed image a target of its own, and still asks nothing per image.
		h.clockMs += 3_600_000;
		expect(await collect()).toMatchObject({ status: 'ok', requestsMade: 2 });
		expect(h.replay.requests.map((r) => r.path).sort()).toEqual([listingPath, listingPath, nginxPath, nginxPath].sort());
		for (const repository of namespacePage1.results as { name: string; pull_count: number }[]) {
			expect((await h.listDailyValues(`aciliadevops/${repository.name}`, 'pulls')).map(([, v]) => v)).toEqual([repository.pull_count, repository.pull_count]);
		}
		expect(await h.listDailyValues('library/nginx', 'pulls')).toHaveLength(2);
	});

	it("fetches the images of a namespace on their own when the namespace's listing fails", async () => {
		await h.addTargets('acme', 'acme/one');
		h.replay.route('/v2/namespaces/acme/repositories?page_size=100', { status: 500 });
		h.replay.route('/v2/namespaces/acme/repositories/one', { body: { name: 'one', namespace: 'acme', pull_count: 7, star_count: 1 } });
		const report = await collect(undefined, { HTTP_MAX_RETRIES: '0' });
		expect(report.failures.map((f) => [f.target, f.kind])).toEqual([['acme', 'http']]);
		expect(await h.listValues('acme/one')).toEqual([['pulls', 7], ['stars', 1]]);
	});

	it('retries a 5xx and a dropped connection, then stores the value once', async () => {
		await h.addTargets('library/nginx', 'grimoirelab/perceval');
		h.replay.route(nginxPath, { status: 503, body: 'Service Unavailable' }, { status: 502, body: '' }, { body: nginx });
		h.replay.route(percevalPath, { body: perceval, fault: 'truncate' }, { body: perceval });
		const report = await collect();
		expect(report).toMatchObject({ status: 'partial', targetsDone: 1, targetsFailed: 1 });
		// A truncated body is not retried: it is an invalid answer, and nothing of it is written.
		expect(report.failures).toEqual([{ target: 'grimoirelab/perceval', kind: 'invalidResponse', message: expect.stringContaining('not JSON') }]);
		expect(h.replay.countRequests(nginxPath)).toBe(3);
		expect((await samplesOf('library/nginx')).length).toBe(2);
		expect(await samplesOf('grimoirelab/perceval')).toEqual([]);
		expect(await h.getTarget('grimoirelab/perceval')).toMatchObject({ status: 'failing' });
	});

	it('gives up on a source that keeps failing, with a bounded number of attempts', async () => {
		await h.addTargets('library/nginx');
		h.replay.route(nginxPath, { status: 500, body: { message: 'boom' } });
		const report = await collect();
		expect(report).toMatchObject({ status: 'failed', targetsFailed: 1, failures: [{ kind: 'http' }] });
		expect(h.replay.countRequests(nginxPath)).toBe(3);
	});

	it('waits out a short rate limit and stops asking after a long one', async () => {
		await h.addTargets('library/nginx');
		h.replay.route(nginxPath, { status: 429, headers: { 'retry-after': '2' }, body: 'Too Many Requests (HAP429).' }, { body: nginx });
		expect(await collect()).toMatchObject({ status: 'ok' });
		expect(h.sleeps).toEqual([2000]);

		await h.addTargets('grimoirelab/perceval', 'library/redis', 'library/postgres');
		await h.restartReplay();
		h.clockMs += 3_600_000;
		h.replay.route(nginxPath, { status: 429, headers: { 'retry-after': '3600' }, body: 'Too Many Requests (HAP429).' });
		h.replay.route(percevalPath, { status: 429, headers: { 'retry-after': '3600' } });
		h.replay.route('/v2/namespaces/library/repositories/redis', { status: 429, headers: { 'retry-after': '3600' } });
		h.replay.route('/v2/namespaces/library/repositories/postgres', { status: 429, headers: { 'retry-after': '3600' } });
		const limited = await collect();
		expect(limited.status).toBe('failed');
		expect(limited.failures.map((f) => f.kind)).toEqual(['rateLimited', 'rateLimited', 'rateLimited', 'rateLimited']);
		// Four at once may all be in flight when the first 429 comes back, but none is retried.
		expect(h.replay.countRequests()).toBeLessThanOrEqual(4);
		expect(h.sleeps).toEqual([2000]);
	});

	it('marks a run a crash left open as failed when the next run starts', async () => {
		await h.db.execute(sql`insert into collection_runs (collector, started_at) values ('dockerhub', ${new Date(h.clockMs - 3 * 3600_000).toISOString()}::timestamptz)`);
		await h.db.execute(sql`insert into collection_runs (collector, started_at) values ('dockerhub', ${new Date(h.clockMs - 60_000).toISOString()}::timestamptz)`);
		await collect();
		const runs = await queryRows<{ status: string; is_finished: boolean }>(
			h.db,
			sql`select status, finished_at is not null as is_finished from collection_runs where collector = 'dockerhub' order by started_at`
		);
		// The crash of three hours ago is failed; a run started a minute ago may still be going elsewhere.
		expect(runs).toEqual([
			{ status: 'failed', is_finished: true },
			{ status: 'running', is_finished: false },
			{ status: 'ok', is_finished: true }
		]);
	});

	it('marks a missing image as not found without failing the others', async () => {
		await h.addTargets('library/nginx', 'nobody/nothing');
		h.replay.route(nginxPath, { body: nginx });
		const report = await collect();
		expect(report).toMatchObject({ status: 'partial', targetsDone: 1, failures: [{ target: 'nobody/nothing', kind: 'notFound' }] });
		expect(await h.getTarget('nobody/nothing')).toMatchObject({ status: 'not_found' });
	});

	it('writes nothing for an answer with wrong types, a hanging server or a huge body', async () => {
		await h.addTargets('library/nginx', 'grimoirelab/perceval', 'big/body');
		h.replay.route(nginxPath, { body: { ...nginx, pull_count: '12981954060' } });
		h.replay.route(percevalPath, { fault: 'hang' });
		h.replay.route('/v2/namespaces/big/repositories/body', { body: 'x'.repeat(9 * 1024 * 1024) });
		const report = await collect();
		const byTarget = Object.fromEntries(report.failures.map((f) => [f.target, f.kind]));
		expect(byTarget).toEqual({ 'library/nginx': 'invalidResponse', 'grimoirelab/perceval': 'timeout', 'big/body': 'invalidResponse' });
		expect(await h.countSamples()).toBe(0);
	});

	it('signs in with a personal access token once and sends the short-lived token, never the secret', async () => {
		await h.addTargets('library/nginx', 'grimoirelab/perceval');
		h.replay.route('/v2/auth/token', { body: { access_token: 'jwt-short-lived' } });
		h.replay.route(nginxPath, { body: nginx }).route(percevalPath, { body: perceval });
		const report = await collect(undefined, { DOCKERHUB_USERNAME: 'analyst', DOCKERHUB_TOKEN: 'dckr_pat_secret' });
		expect(report).toMatchObject({ status: 'ok' });
		const tokenRequests = h.replay.requests.filter((r) => r.path === '/v2/auth/token');
		expect(tokenRequests.map((r) => r.method)).toEqual(['POST']);
		for (const request of h.replay.requests.filter((r) => r.path !== '/v2/auth/token')) {
			expect(request.headers.authorization).toBe('Bearer jwt-short-lived');
		}
		expect(JSON.stringify(h.replay.requests.map((r) => r.headers))).not.toContain('dckr_pat_secret');
	});

	it('cuts an answer without content-length once it passes 8 MB while it streams, and collects the others', async () => {
		await h.addTargets('endless/body', 'library/nginx');
		h.replay.route('/v2/namespaces/endless/repositories/body', { fault: 'endless' }).route(nginxPath, { body: nginx });
		// A long timeout: an answer buffered before its size is checked would end as a timeout, not as too large.
		const report = await collect(undefined, { HTTP_TIMEOUT_MS: '60000' });
		expect(report).toMatchObject({ status: 'partial', targetsDone: 1 });
		expect(report.failures).toEqual([{ target: 'endless/body', kind: 'invalidResponse', message: expect.stringContaining('larger than 8388608 bytes') }]);
		expect(h.replay.requests.find((r) => r.path.startsWith('/v2/namespaces/endless'))).toBeDefined();
		expect((await samplesOf('library/nginx')).length).toBe(2);
	});

	it('follows no redirect to another origin: the token exchange is not posted there, nor is the token sent', async () => {
		const elsewhere = await ReplayServer.start();
		try {
			elsewhere.route('/steal', { body: { access_token: 'stolen' } }).route(nginxPath, { body: nginx });
			const credentials = { DOCKERHUB_USERNAME: 'analyst', DOCKERHUB_TOKEN: 'dckr_pat_secret' };
			await h.addTargets('library/nginx');
			h.replay.route('/v2/auth/token', { status: 307, headers: { location: `${elsewhere.url}/steal` } });
			const refusedSignIn = await collect(undefined, credentials);
			expect(refusedSignIn.failures).toEqual([
				{ target: 'library/nginx', kind: 'http', message: expect.stringContaining(`/v2/auth/token answered 307, a redirect to ${elsewhere.url}; not followed`) }
			]);

			h.replay.route('/v2/auth/token', { body: { access_token: 'jwt-short-lived' } });
			h.replay.route(nginxPath, { status: 302, headers: { location: `${elsewhere.url}${nginxPath}` } });
			const refusedRead = await collect(undefined, credentials);
			expect(refusedRead.failures).toEqual([{ target: 'library/nginx', kind: 'http', message: expect.stringContaining(`answered 302, a redirect to ${elsewhere.url}`) }]);
			expect(elsewhere.requests).toEqual([]);
			expect(await h.countSamples()).toBe(0);
		} finally {
			await elsewhere.close();
		}
	});

	it('follows a redirect', async () => {
		await h.addTargets('library/nginx');
		h.replay.route(nginxPath, { status: 301, headers: { location: `${h.replay.url}/moved/nginx` } });
		h.replay.route('/moved/nginx', { body: nginx });
		expect(await collect()).toMatchObject({ status: 'ok' });
		expect((await samplesOf('library/nginx')).length).toBe(2);
	});

	it('flags a counter that drops or jumps, keeps the value, and never duplicates a sample', async () => {
		await h.addTargets('grimoirelab/perceval');
		h.replay.route(percevalPath, { body: perceval }, { body: perceval }, { body: { ...perceval, pull_count: 390 } }, { body: { ...perceval, pull_count: 5000 } });
		await collect();
		await collect(); // the same hour again: nothing new
		h.clockMs += 3_600_000;
		await collect();
		h.clockMs += 3_600_000;
		await collect();
		expect((await samplesOf('grimoirelab/perceval')).filter((s) => s.metric === 'pulls')).toEqual([
			{ metric: 'pulls', value: 398, provenance: 'observed', flags: [] },
			{ metric: 'pulls', value: 390, provenance: 'observed', flags: ['decrease'] },
			{ metric: 'pulls', value: 5000, provenance: 'observed', flags: ['jump'] }
		]);
	});
});
