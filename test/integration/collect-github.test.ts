import { describe, expect, it } from 'vitest';
import { collectGithub } from '../../jobs/collectors/github/collect.js';
import { listBudgetWaitNotes } from '../../jobs/health/waiting.js';
import { addTarget } from '../../jobs/targets.js';
import { testBackends } from '../helpers/databases.js';
import {
	anonymousHeaders,
	answerOf,
	batchOf3,
	contributorsPath,
	farResetHeaders,
	graphqlPath,
	graphqlUnauthenticated,
	kubernetesRest,
	repositoryPath,
	restRepository,
	testToken,
	useGithubCollectors
} from '../helpers/github-stand-in.js';
import { ReplayServer, type ReplayAnswer } from '../helpers/replay-server.js';

/** The hourly GitHub counters: GraphQL with a token, REST within the anonymous budget without one. */
describe.each(testBackends)('GitHub hourly counters on $name', (backend) => {
	const { h, collect, collectContributors, collectWithToken } = useGithubCollectors(backend);

	describe('hourly counters (GraphQL)', () => {
		it('stores exactly the counters of three repositories asked in one GraphQL request, and records the run', async () => {
			await h.addTargets('moby/moby', 'kubernetes/kubernetes', 'docker/compose');
			h.replay.route(graphqlPath, batchOf3);
			const report = await collectWithToken();
			const kubernetes = await h.listSamples('kubernetes/kubernetes');
			expect(kubernetes.map(({ metric, value, provenance }) => ({ metric, value, provenance }))).toEqual([
				{ metric: 'forks', value: 16_687, provenance: 'observed' },
				{ metric: 'open_issues', value: 2_187, provenance: 'observed' },
				{ metric: 'releases', value: 520, provenance: 'observed' },
				{ metric: 'stars', value: 48_188, provenance: 'observed' },
				{ metric: 'watchers', value: 2_904, provenance: 'observed' }
			]);
			// Watchers are REST subscribers_count, not watchers_count (which is stars again).
			expect(kubernetesRest.subscribers_count).toBe(2_904);
			expect(kubernetesRest.watchers_count).toBe(kubernetesRest.stargazers_count);
			expect(await h.listValues('docker/compose')).toEqual([['forks', 5_410], ['open_issues', 191], ['releases', 287], ['stars', 35_120], ['watchers', 462]]);
			expect(await h.listValues('moby/moby')).toEqual([['forks', 18_802], ['open_issues', 3_401], ['releases', 172], ['stars', 70_512], ['watchers', 3_211]]);
			expect(report).toMatchObject({ status: 'ok', targetsDone: 3, targetsFailed: 0, failures: [], requestsMade: 1, rateBudgetLeft: 4_999 });
			expect(h.replay.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /graphql']);
			expect((await h.getTarget('kubernetes/kubernetes')).metadata).toEqual({ latestReleaseTag: 'v1.14.0', latestReleasePublishedAt: '2019-03-25T15:53:57Z', dockerhubImages: [] });
			expect((await h.getTarget('moby/moby')).metadata).toEqual({ latestReleaseTag: null, latestReleasePublishedAt: null, dockerhubImages: [] });
			expect(await h.getRun(report.runId)).toEqual({ collector: 'github', status: 'ok', requestsMade: 1, rateBudgetLeft: 4_999 });
		});

		it('asks for 120 repositories in 3 GraphQL requests with a batch size of 50', async () => {
			const keys = Array.from({ length: 120 }, (_, i) => `org/repo-${String(i).padStart(3, '0')}`);
			await h.addTargets(...keys);
			const template = batchOf3.body as { data: { r1: Record<string, unknown> } };
			const batchAnswer = (offset: number): ReplayAnswer => ({
				body: { data: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`r${i}`, { ...template.data.r1, stargazerCount: offset + i }])) }
			});
			h.replay.route(graphqlPath, batchAnswer(0), batchAnswer(50), batchAnswer(100));
			const report = await collectWithToken({ GITHUB_BATCH_SIZE: '50', COLLECT_CONCURRENCY: '1' });
			expect(report).toMatchObject({ status: 'ok', targetsDone: 120, requestsMade: 3 });
			expect(h.replay.countRequests(graphqlPath)).toBe(3);
			const stars = await Promise.all(keys.map(async (key) => (await h.listSamples(key, 'stars')).map((s) => s.value)));
			expect(stars).toEqual(keys.map((_, i) => [i]));
		});

		it('sends several batches at once without the 1 s spacing plugin-throttling applies by default', async () => {
			await h.addTargets('moby/moby', 'kubernetes/kubernetes', 'docker/compose');
			const r1 = (batchOf3.body as { data: { r1: unknown } }).data.r1;
			h.replay.route(graphqlPath, { body: { data: { r0: r1 } } });
			const started = performance.now();
			const report = await collectWithToken({ GITHUB_BATCH_SIZE: '1', COLLECT_CONCURRENCY: '3' });
			// With the default 1 s spacing three requests take at least 2 s; the margin absorbs a loaded machine.
			expect(performance.now() - started).toBeLessThan(1900);
			expect(report).toMatchObject({ status: 'ok', targetsDone: 3, requestsMade: 3 });
			expect(await h.listValues('docker/compose')).toEqual(await h.listValues('kubernetes/kubernetes'));
		});

		it('marks a missing repository as not found and stores the others', async () => {
			await h.addTargets('docker/compose', 'moby/moby', 'nobody/nothing');
			h.replay.route(graphqlPath, answerOf('doc-graphql-not-found.json'));
			const report = await collectWithToken();
			expect(report).toMatchObject({ status: 'partial', targetsDone: 2, targetsFailed: 1, requestsMade: 1 });
			expect(report.failures).toEqual([
				{ target: 'nobody/nothing', kind: 'notFound', message: "nobody/nothing: Could not resolve to a Repository with the name 'nobody/nothing'." }
			]);
			expect(await h.getTarget('nobody/nothing')).toMatchObject({ status: 'not_found' });
			expect(await h.listSamples('nobody/nothing')).toEqual([]);
			expect((await h.listSamples('moby/moby')).length).toBe(5);
		});

		it('retries a 502 and stores the batch once', async () => {
			await h.addTargets('moby/moby', 'kubernetes/kubernetes', 'docker/compose');
			h.replay.route(graphqlPath, { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' }, batchOf3);
			const report = await collectWithToken();
			expect(report).toMatchObject({ status: 'ok', targetsDone: 3, requestsMade: 2 });
			expect(h.replay.countRequests(graphqlPath)).toBe(2);
			expect(await h.countSamples()).toBe(15);
			expect(h.sleeps).toEqual([]);
		});

		it('gives up on a server that keeps failing after HTTP_MAX_RETRIES retries', async () => {
			await h.addTargets('moby/moby', 'docker/compose');
			h.replay.route(graphqlPath, { status: 500, body: { message: 'Server Error' } });
			const report = await collectWithToken();
			expect(report).toMatchObject({ status: 'failed', targetsDone: 0, targetsFailed: 2, requestsMade: 3 });
			expect(report.failures.map((f) => f.kind)).toEqual(['http', 'http']);
			expect(report.failures[0]!.message).toContain('GitHub answered 500');
			expect(await h.getTarget('moby/moby')).toMatchObject({ status: 'failing' });
		});

		it('stops asking GitHub after a GraphQL rate limit that resets in an hour', async () => {
			await h.addTargets('docker/compose', 'kubernetes/kubernetes', 'moby/moby');
			const limited = answerOf('doc-graphql-rate-limited.json');
			h.replay.route(graphqlPath, { ...limited, headers: { ...limited.headers, ...farResetHeaders() } });
			const report = await collectWithToken({ GITHUB_BATCH_SIZE: '1' });
			expect(report).toMatchObject({ status: 'failed', targetsFailed: 3, requestsMade: 1, rateBudgetLeft: 0 });
			expect(report.failures.map((f) => f.kind)).toEqual(['rateLimited', 'rateLimited', 'rateLimited']);
			expect(h.replay.countRequests()).toBe(1);
			expect(h.sleeps).toEqual([]);
			expect(await h.countSamples()).toBe(0);
		});

		it('waits out a short secondary rate limit (Retry-After) and then stores', async () => {
			await h.addTargets('moby/moby', 'kubernetes/kubernetes', 'docker/compose');
			const secondary = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' };
			h.replay.route(graphqlPath, { status: 403, headers: { 'retry-after': '1' }, body: secondary }, batchOf3);
			const report = await collectWithToken();
			expect(report).toMatchObject({ status: 'ok', targetsDone: 3, requestsMade: 2 });
			expect(h.sleeps).toEqual([1000]);
		});

		it('writes nothing for a repository whose counters have the wrong types', async () => {
			await h.addTargets('moby/moby', 'kubernetes/kubernetes', 'docker/compose');
			const body = structuredClone(batchOf3.body) as { data: Record<string, Record<string, unknown>> };
			body.data.r1!.stargazerCount = '48188';
			h.replay.route(graphqlPath, { body });
			const report = await collectWithToken();
			expect(report.failures).toEqual([
				{ target: 'kubernetes/kubernetes', kind: 'invalidResponse', message: expect.stringContaining('stargazerCount') }
			]);
			expect(await h.listSamples('kubernetes/kubernetes')).toEqual([]);
			expect((await h.getTarget('kubernetes/kubernetes')).metadata).toEqual({});
			expect((await h.listSamples('moby/moby')).length).toBe(5);
		});

		it('writes nothing for an answer that is not GraphQL, and times out on a hanging server', async () => {
			await h.addTargets('moby/moby', 'docker/compose');
			h.replay.route(graphqlPath, { headers: { 'content-type': 'text/html' }, body: '<html>login</html>' });
			const report = await collectWithToken();
			expect(report.failures.map((f) => f.kind)).toEqual(['invalidResponse', 'invalidResponse']);
			h.replay.route(graphqlPath, { fault: 'hang' });
			const hung = await collectWithToken({ HTTP_TIMEOUT_MS: '150' });
			expect(hung.failures.map((f) => f.kind)).toEqual(['timeout', 'timeout']);
			expect(hung.failures[0]!.message).toContain('within 150 ms');
			expect(hung.requestsMade).toBe(3);
			expect(await h.countSamples()).toBe(0);
		});

		it('never puts the token in a message, and sends it to GitHub only', async () => {
			const token = `ghp_${'S3cr3t'.repeat(6)}`;
			await h.addTargets('moby/moby', 'docker/compose');
			// A proxy that echoes the credentials back in its error message.
			h.replay.route(graphqlPath, { status: 401, body: { message: `Bad credentials: token ${token}` } });
			const report = await collectWithToken({ GITHUB_TOKEN: token });
			expect(report.failures.map((f) => f.kind)).toEqual(['http', 'http']);
			expect(JSON.stringify(report)).not.toContain(token);
			expect((await h.getTarget('moby/moby')).status_message).not.toContain(token);
			expect(h.replay.requests[0]!.headers.authorization).toBe(`token ${token}`);
		});

		it('follows no redirect to another origin with the token, neither for GraphQL nor for REST', async () => {
			const elsewhere = await ReplayServer.start();
			try {
				const token = `ghp_${'R3d1r3ct'.repeat(4)}`;
				await h.addTargets('moby/moby');
				h.replay.route(graphqlPath, { status: 307, headers: { location: `${elsewhere.url}/graphql` } });
				const batch = await collectWithToken({ GITHUB_TOKEN: token });
				expect(batch.failures).toEqual([{ target: 'moby/moby', kind: 'http', message: expect.stringContaining(`answered 307, a redirect to ${elsewhere.url}; not followed`) }]);
				expect(batch.requestsMade).toBe(1);
				h.replay.route(contributorsPath('moby/moby'), { status: 302, headers: { location: `${elsewhere.url}${contributorsPath('moby/moby')}` } });
				const rest = await collectContributors({ GITHUB_TOKEN: token });
				expect(rest.failures).toEqual([{ target: 'moby/moby', kind: 'http', message: expect.stringContaining(`answered 302, a redirect to ${elsewhere.url}`) }]);
				expect(elsewhere.requests).toEqual([]);
				expect(await h.countSamples()).toBe(0);
			} finally {
				await elsewhere.close();
			}
		});

		it('collects only the target asked for', async () => {
			await h.addTargets('moby/moby', 'docker/compose');
			h.replay.route(graphqlPath, { body: { data: { r0: (batchOf3.body as { data: { r2: unknown } }).data.r2 } } });
			const report = await collectGithub(h.db, h.config({ GITHUB_TOKEN: testToken }), { ...h.options(), onlyKey: 'moby/moby' });
			expect(report).toMatchObject({ status: 'ok', targetsDone: 1 });
			expect(await h.listSamples('docker/compose')).toEqual([]);
		});
	});

	describe('hourly counters without a token (REST, anonymous budget)', () => {
		const waitingOf = async (key: string) => (await h.getTarget(key)).metadata.countersWaitingSince;

		it('stores stars, forks and watchers from GET /repos while GraphQL refuses a caller without a token, and no open issues', async () => {
			await h.addTargets('kubernetes/kubernetes');
			h.replay.route(graphqlPath, graphqlUnauthenticated);
			h.replay.route(repositoryPath('kubernetes/kubernetes'), { headers: anonymousHeaders(59), body: kubernetesRest });
			const report = await collect();
			expect(report).toMatchObject({ status: 'ok', targetsDone: 1, targetsFailed: 0, requestsMade: 1, rateBudgetLeft: 59, targetsWaiting: [] });
			expect(h.replay.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /repos/kubernetes/kubernetes']);
			expect(h.replay.requests[0]!.headers.authorization).toBeUndefined();
			// open_issues_count (3,119) counts pull requests too: never stored as open issues.
			expect(await h.listValues('kubernetes/kubernetes')).toEqual([['forks', 16_687], ['stars', 48_188], ['watchers', 2_904]]);
			expect((await h.listSamples('kubernetes/kubernetes')).map((s) => s.provenance)).toEqual(['observed', 'observed', 'observed']);
		});

		it('spends only the hourly share; the rest wait, not failed, and go first in the next hour', async () => {
			const keys = ['acme/a', 'acme/b', 'acme/c', 'acme/d', 'acme/e'];
			await h.addTargets(...keys);
			keys.forEach((key, i) => h.replay.route(repositoryPath(key), restRepository(key, 100 + i, 10 + i, i, 50 - i)));
			const first = await collect({ GITHUB_ANONYMOUS_HOURLY_REQUESTS: '3' });
			expect(first).toMatchObject({ status: 'ok', targetsDone: 3, targetsFailed: 0, failures: [], requestsMade: 3, targetsWaiting: ['acme/d', 'acme/e'] });
			expect(await h.listValues('acme/c')).toEqual([['forks', 12], ['stars', 102], ['watchers', 2]]);
			expect(await h.listValues('acme/d')).toEqual([]);
			expect(await h.getTarget('acme/d')).toMatchObject({ status: 'ok', status_message: null });
			expect(await waitingOf('acme/d')).toBe('2026-11-28T10:05:00.000Z');
			expect(await listBudgetWaitNotes(h.db)).toEqual(['2 repositories wait for the next hour: anonymous GitHub budget']);

			h.clockMs += 3_600_000;
			const second = await collect({ GITHUB_ANONYMOUS_HOURLY_REQUESTS: '3' });
			expect(second).toMatchObject({ status: 'ok', targetsDone: 3, targetsWaiting: ['acme/b', 'acme/c'] });
			expect(h.replay.requests.slice(3).map((r) => r.path)).toEqual(['/repos/acme/d', '/repos/acme/e', '/repos/acme/a']);
			expect(await h.listValues('acme/e')).toEqual([['forks', 14], ['stars', 104], ['watchers', 4]]);
			expect(await waitingOf('acme/d')).toBeUndefined();
			expect(await waitingOf('acme/b')).toBe('2026-11-28T11:05:00.000Z');
		});

		it('stops when GitHub says the budget is spent, or answers rate limited, and leaves the rest waiting', async () => {
			await h.addTargets('acme/a', 'acme/b', 'acme/c');
			h.replay.route(repositoryPath('acme/a'), restRepository('acme/a', 7, 1, 1, 0));
			const spent = await collect();
			expect(spent).toMatchObject({ status: 'ok', targetsDone: 1, targetsFailed: 0, requestsMade: 1, rateBudgetLeft: 0, targetsWaiting: ['acme/b', 'acme/c'] });

			// Something else on this host spent the budget: the first answer is the rate limit itself.
			h.clockMs += 3_600_000;
			await h.restartReplay();
			h.replay.route(repositoryPath('acme/b'), { status: 403, headers: { ...anonymousHeaders(0), ...farResetHeaders() }, body: { message: 'API rate limit exceeded for 127.0.0.1.' } });
			const limited = await collect();
			expect(limited).toMatchObject({ status: 'ok', targetsDone: 0, targetsFailed: 0, failures: [], requestsMade: 1, targetsWaiting: ['acme/b', 'acme/c', 'acme/a'] });
			expect(h.sleeps).toEqual([]);
			for (const key of ['acme/a', 'acme/b', 'acme/c']) expect(await h.getTarget(key)).toMatchObject({ status: 'ok' });
			expect(await listBudgetWaitNotes(h.db)).toEqual(['3 repositories wait for the next hour: anonymous GitHub budget']);
		});

		it('forgets the waits once a token is set and GraphQL collects the repositories', async () => {
			await h.addTargets('docker/compose', 'kubernetes/kubernetes', 'moby/moby');
			h.replay.route(repositoryPath('docker/compose'), restRepository('docker/compose', 7, 1, 1, 0));
			expect(await collect()).toMatchObject({ targetsWaiting: ['kubernetes/kubernetes', 'moby/moby'] });
			h.replay.route(graphqlPath, batchOf3);
			h.clockMs += 3_600_000;
			expect(await collectWithToken()).toMatchObject({ status: 'ok', targetsDone: 3, targetsWaiting: [] });
			expect(await waitingOf('moby/moby')).toBeUndefined();
			expect(await listBudgetWaitNotes(h.db)).toEqual([]);
		});

		it('marks a repository GitHub does not know as not found, and still collects the others', async () => {
			await h.addTargets('acme/a', 'nobody/nothing');
			h.replay.route(repositoryPath('acme/a'), restRepository('acme/a', 7, 1, 1));
			const report = await collect();
			expect(report).toMatchObject({ status: 'partial', targetsDone: 1, targetsFailed: 1, targetsWaiting: [] });
			expect(report.failures).toEqual([{ target: 'nobody/nothing', kind: 'notFound', message: expect.stringContaining('GitHub answered 404') }]);
			expect(await h.getTarget('nobody/nothing')).toMatchObject({ status: 'not_found' });
		});

		it('adds a repository by reference without a token, refuses one GitHub does not know, and keeps none while the budget is spent', async () => {
			h.replay.route(graphqlPath, graphqlUnauthenticated);
			h.replay.route(repositoryPath('kubernetes/kubernetes'), { headers: anonymousHeaders(0), body: kubernetesRest });
			expect(await addTarget(h.db, h.config(), { source: 'github', key: 'kubernetes/kubernetes' })).toEqual({ outcome: 'added', target: 'github:kubernetes/kubernetes' });
			expect(await h.listValues('kubernetes/kubernetes')).toEqual([['forks', 16_687], ['stars', 48_188], ['watchers', 2_904]]);
			expect(await addTarget(h.db, h.config(), { source: 'github', key: 'nobody/nothing' })).toMatchObject({ outcome: 'notFound' });
			// The budget is spent (the last answer said 0 left): nothing is asked, and nothing is kept.
			h.replay.route(repositoryPath('moby/moby'), { status: 403, headers: { ...anonymousHeaders(0), ...farResetHeaders() }, body: { message: 'API rate limit exceeded for 127.0.0.1.' } });
			const spent = await addTarget(h.db, h.config(), { source: 'github', key: 'moby/moby' });
			expect(spent).toMatchObject({ outcome: 'unavailable', message: expect.stringContaining('without a token, GitHub allows 60 requests an hour') });
			await expect(h.getTarget('moby/moby')).rejects.toThrow('no target github:moby/moby');
			expect(h.replay.countRequests(graphqlPath)).toBe(0);
		});
	});
});
