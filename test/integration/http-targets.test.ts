import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { ReplayServer } from '../helpers/replay-server.js';
import { startServer, type TestServer } from '../helpers/server.js';

const nginx = JSON.parse(readFileSync('test/fixtures/dockerhub/doc-repository-library-nginx.json', 'utf8'));
const kubernetes = JSON.parse(readFileSync('test/fixtures/github/perceval-github_repo.json', 'utf8'));

describe.each(testBackends)('adding and removing targets on $name', (backend) => {
	let server: TestServer;
	let replay: ReplayServer;
	const post = (ref: unknown) =>
		fetch(`${server.url}/api/targets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ref) });
	type Listed = { target: string; status: string; lastCollectedAt: string | null; series: { metric: string; latest: { value: number } | null }[] };
	const listTargets = async () => ((await (await fetch(`${server.url}/api/targets`)).json()) as { targets: Listed[] }).targets;

	beforeAll(async () => {
		replay = await ReplayServer.start();
		replay.route('/v2/namespaces/library/repositories/nginx', { body: nginx });
		replay.route('/v2/namespaces/flaky/repositories/image', { status: 500, body: 'down' });
		// No GITHUB_TOKEN: GraphQL refuses the caller, as GitHub does, and the check goes over REST.
		replay.route('/graphql', { status: 401, body: { message: 'This endpoint requires you to be authenticated.' } });
		replay.route('/repos/kubernetes/kubernetes', { headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59' }, body: kubernetes });
		server = await startServer(backend.name, { DOCKERHUB_API_URL: replay.url, GITHUB_API_URL: replay.url, HTTP_RETRY_BASE_MS: '1', HTTP_MAX_RETRIES: '1' });
	});
	afterAll(async () => {
		await server?.stop();
		await replay.close();
	});

	it('adds a Docker Hub image from its URL, checked against the source, with a first sample at once', async () => {
		const response = await post({ ref: 'https://hub.docker.com/_/nginx' });
		expect(response.status).toBe(201);
		expect(await response.json()).toEqual({ outcome: 'added', target: 'dockerhub:library/nginx' });
		const nginxTarget = (await listTargets()).find((t) => t.target === 'dockerhub:library/nginx');
		expect(nginxTarget).toMatchObject({ status: 'ok', lastCollectedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
		expect(nginxTarget?.series.map((s) => [s.metric, s.latest?.value])).toEqual([
			['pulls', 12_981_954_060],
			['stars', 21_268]
		]);
		const again = await post({ ref: 'dockerhub:library/nginx' });
		expect(again.status).toBe(200);
		expect(await again.json()).toEqual({ outcome: 'exists', target: 'dockerhub:library/nginx' });
	});

	it('adds a GitHub repository from its URL without a token, with its first stars, forks and watchers', async () => {
		const response = await post({ ref: 'https://github.com/kubernetes/kubernetes' });
		expect(await response.json()).toEqual({ outcome: 'added', target: 'github:kubernetes/kubernetes' });
		expect(response.status).toBe(201);
		const added = (await listTargets()).find((t) => t.target === 'github:kubernetes/kubernetes');
		expect(added?.series.map((s) => [s.metric, s.latest?.value])).toEqual([['forks', 16_687], ['stars', 48_188], ['watchers', 2_904]]);
		expect(replay.countRequests('/graphql')).toBe(0);
	});

	it('refuses a target the source does not know, or cannot confirm, and keeps nothing of it', async () => {
		const missing = await post({ ref: 'dockerhub:nobody/nothing' });
		expect(missing.status).toBe(404);
		expect(await missing.json()).toMatchObject({ error: 'notFound', message: expect.stringContaining('does not know nobody/nothing') });
		const flaky = await post({ ref: 'dockerhub:flaky/image' });
		expect(flaky.status).toBe(502);
		const listed = (await listTargets()).map((t) => t.target);
		expect(listed).not.toContain('dockerhub:nobody/nothing');
		expect(listed).not.toContain('dockerhub:flaky/image');
	});

	it('answers 400 for input that names no target', async () => {
		for (const body of [{ ref: 'https://gitlab.com/a/b' }, { ref: '' }, { url: 'x' }, 'not json']) {
			const response = await post(body);
			expect(response.status).toBe(400);
			expect(await response.json()).toMatchObject({ error: 'bad_parameter', parameter: 'ref' });
		}
	});

	it('removes a target with its data, and says so when there is none', async () => {
		const removed = await fetch(`${server.url}/api/targets/dockerhub:library/nginx`, { method: 'DELETE' });
		expect(removed.status).toBe(200);
		expect((await listTargets()).map((t) => t.target)).not.toContain('dockerhub:library/nginx');
		const again = await fetch(`${server.url}/api/targets/dockerhub:library/nginx`, { method: 'DELETE' });
		expect(again.status).toBe(404);
		const reference = await fetch(`${server.url}/api/targets/reference:dockerhub`, { method: 'DELETE' });
		expect(reference.status).toBe(400);
	});
});
