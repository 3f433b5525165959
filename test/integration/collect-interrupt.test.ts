import { describe, expect, it } from 'vitest';
import { collectDockerHub } from '../../jobs/collectors/dockerhub/collect.js';
import { collectGithub, collectGithubContributors } from '../../jobs/collectors/github/collect.js';
import { useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';
import { waitUntil } from '../helpers/process-control.js';

/**
 * A run aborted because the process is stopping (CollectOptions.signal): the request in flight is
 * cancelled (a source that never answers does not hold the run), no later request is made, the targets
 * not reached stay as they were (not marked failing), and the run record is closed as interrupted.
 * The processes that abort runs on SIGTERM are tested in shutdown.test.ts.
 */

const imagePath = (name: string) => `/v2/namespaces/library/repositories/${name}`;
const image = { name: 'x', namespace: 'library', pull_count: 10, star_count: 1 };

describe.each(testBackends)('an interrupted collection on $name', (backend) => {
	describe('Docker Hub', () => {
		// A timeout far longer than the test: only the abort can end the request that never answers.
		const h = useCollectorHarness(backend, {
			source: 'dockerhub',
			startAt: '2026-11-28T10:00:00Z',
			env: { HTTP_TIMEOUT_MS: '120000', HTTP_MAX_RETRIES: '3', RATE_LIMIT_MAX_WAIT_MS: '600000', COLLECT_CONCURRENCY: '1' }
		});

		it('cancels the request in flight, asks nothing more and closes the run as interrupted', async () => {
			await h.addTargets('library/alpine', 'library/busybox', 'library/nginx');
			h.replay.route(imagePath('alpine'), { body: image }).route(imagePath('busybox'), { fault: 'hang' }).route(imagePath('nginx'), { body: image });
			const stopping = new AbortController();
			const run = collectDockerHub(h.db, h.config(), { ...h.options(), signal: stopping.signal });
			await waitUntil(() => h.replay.countRequests(imagePath('busybox')) === 1, 'the request that never answers');
			stopping.abort();
			const report = await run;
			expect(report).toMatchObject({ status: 'interrupted', targetsDone: 1, targetsFailed: 0, failures: [] });
			expect(await h.getRun(report.runId)).toMatchObject({ status: 'interrupted', requestsMade: 2 });
			expect(h.replay.countRequests(imagePath('nginx'))).toBe(0);
			expect(await h.listValues('library/alpine')).toEqual([['pulls', 10], ['stars', 1]]);
			for (const key of ['library/busybox', 'library/nginx']) {
				expect(await h.listValues(key)).toEqual([]);
				expect((await h.getTarget(key)).status).toBe('ok');
			}
		});

		it('ends a rate-limit wait at once', async () => {
			await h.addTargets('library/alpine');
			h.replay.route(imagePath('alpine'), { status: 429, headers: { 'retry-after': '300' } });
			const stopping = new AbortController();
			let waiting = false;
			// The injected sleep never ends by itself: only the abort ends the wait.
			const sleep = () => ((waiting = true), new Promise<void>(() => {}));
			const run = collectDockerHub(h.db, h.config(), { ...h.options(), sleep, signal: stopping.signal });
			await waitUntil(() => waiting, 'the rate-limit wait');
			stopping.abort();
			expect(await run).toMatchObject({ status: 'interrupted', targetsDone: 0, targetsFailed: 0 });
			expect(h.replay.countRequests()).toBe(1);
		});

		it('makes no request when aborted before it starts', async () => {
			await h.addTargets('library/alpine', 'library/nginx');
			const stopping = new AbortController();
			stopping.abort();
			const report = await collectDockerHub(h.db, h.config(), { ...h.options(), signal: stopping.signal });
			expect(report).toMatchObject({ status: 'interrupted', targetsDone: 0, targetsFailed: 0, requestsMade: 0 });
			expect(h.replay.countRequests()).toBe(0);
		});
	});

	describe('GitHub (Octokit)', () => {
		const h = useCollectorHarness(backend, {
			source: 'github',
			startAt: '2026-11-28T10:05:00Z',
			env: { HTTP_TIMEOUT_MS: '120000', HTTP_MAX_RETRIES: '3', COLLECT_CONCURRENCY: '1' }
		});

		it('cancels a GraphQL request in flight and closes the run as interrupted', async () => {
			await h.addTargets('moby/moby', 'docker/compose');
			h.replay.route('/graphql', { fault: 'hang' });
			const stopping = new AbortController();
			// GraphQL needs a token (without one the counters come over REST).
			const run = collectGithub(h.db, h.config({ GITHUB_TOKEN: 'ghp_interrupt_test' }), { ...h.options(), signal: stopping.signal });
			await waitUntil(() => h.replay.countRequests('/graphql') === 1, 'the GraphQL request');
			stopping.abort();
			const report = await run;
			expect(report).toMatchObject({ status: 'interrupted', targetsDone: 0, targetsFailed: 0, failures: [] });
			expect(await h.getRun(report.runId)).toMatchObject({ status: 'interrupted' });
			// No retry of the cancelled request.
			expect(h.replay.countRequests('/graphql')).toBe(1);
			expect((await h.getTarget('moby/moby')).status).toBe('ok');
		});

		it('cancels a REST request in flight and asks no other repository', async () => {
			await h.addTargets('docker/compose', 'moby/moby');
			h.replay.route('/repos/docker/compose/contributors?per_page=1&anon=true', { fault: 'hang' });
			const stopping = new AbortController();
			const run = collectGithubContributors(h.db, h.config(), { ...h.options(), signal: stopping.signal });
			await waitUntil(() => h.replay.countRequests() === 1, 'the contributors request');
			stopping.abort();
			expect(await run).toMatchObject({ status: 'interrupted', targetsDone: 0, targetsFailed: 0 });
			expect(h.replay.countRequests()).toBe(1);
		});
	});
});
