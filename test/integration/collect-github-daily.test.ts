import { describe, expect, it } from 'vitest';
import { listBudgetWaitNotes } from '../../jobs/health/waiting.js';
import { testBackends } from '../helpers/databases.js';
import {
	abuseBody,
	anonymousHeaders,
	answerOf,
	contributor,
	contributorsPath,
	farResetHeaders,
	firstPageHeaders,
	lastPageHeaders,
	releasesPage1,
	releasesPage2,
	releasesPath,
	testToken,
	useGithubCollectors
} from '../helpers/github-stand-in.js';

/** The daily GitHub REST collectors: contributor counts and release downloads, with and without a token. */
describe.each(testBackends)('GitHub daily collectors on $name', (backend) => {
	const { h, collectDownloads, collectContributors } = useGithubCollectors(backend);

	describe('daily contributors (REST)', () => {
		it('counts contributors from the last page of the link header, or the page itself without one', async () => {
			await h.addTargets('kubernetes/kubernetes', 'docker/compose', 'moby/moby', 'nobody/empty');
			h.replay.route(contributorsPath('kubernetes/kubernetes'), { headers: firstPageHeaders, body: [contributor] });
			h.replay.route(contributorsPath('docker/compose'), { headers: lastPageHeaders, body: [contributor] });
			h.replay.route(contributorsPath('moby/moby'), { body: [contributor] });
			h.replay.route(contributorsPath('nobody/empty'), { status: 204, body: '' });
			const report = await collectContributors();
			expect(report).toMatchObject({ status: 'ok', targetsDone: 4, requestsMade: 4 });
			expect(await h.listValues('kubernetes/kubernetes')).toEqual([['contributors', 5]]);
			expect(await h.listValues('docker/compose')).toEqual([['contributors', 1]]);
			expect(await h.listValues('moby/moby')).toEqual([['contributors', 1]]);
			expect(await h.listValues('nobody/empty')).toEqual([['contributors', 0]]);
			expect((await h.getTarget('kubernetes/kubernetes')).metadata).toEqual({ contributorsEtag: firstPageHeaders.etag, contributorsCount: 5 });
			expect(await h.getRun(report.runId)).toMatchObject({ collector: 'github-contributors' });
		});

		it('sends the stored ETag and, on 304, writes the stored count again at the new time', async () => {
			await h.addTargets('kubernetes/kubernetes');
			h.replay.route(contributorsPath('kubernetes/kubernetes'), { headers: firstPageHeaders, body: [contributor] }, { status: 304, headers: { etag: firstPageHeaders.etag! } });
			await collectContributors();
			expect(h.replay.requests[0]!.headers['if-none-match']).toBeUndefined();
			h.clockMs += 86_400_000;
			const report = await collectContributors();
			expect(report).toMatchObject({ status: 'ok', targetsDone: 1, requestsMade: 1 });
			expect(h.replay.requests[1]!.headers['if-none-match']).toBe(firstPageHeaders.etag);
			expect(await h.listDailyValues('kubernetes/kubernetes', 'contributors')).toEqual([['2026-11-28', 5], ['2026-11-29', 5]]);
			expect((await h.getTarget('kubernetes/kubernetes')).metadata).toMatchObject({ contributorsEtag: firstPageHeaders.etag });
		});

		it('cuts an answer without content-length once it passes 8 MB while it streams', async () => {
			await h.addTargets('endless/answer', 'moby/moby');
			h.replay.route(contributorsPath('endless/answer'), { fault: 'endless' }).route(contributorsPath('moby/moby'), { body: [contributor] });
			// A long timeout: an answer buffered before its size is checked would end as a timeout, not as too large.
			const report = await collectContributors({ HTTP_TIMEOUT_MS: '60000', HTTP_MAX_RETRIES: '0' });
			expect(report).toMatchObject({ status: 'partial', targetsDone: 1 });
			expect(report.failures).toEqual([{ target: 'endless/answer', kind: 'invalidResponse', message: expect.stringContaining('larger than 8388608 bytes') }]);
			expect(await h.listValues('moby/moby')).toEqual([['contributors', 1]]);
		});

		it('records a repository too large to list as an http failure that says so', async () => {
			await h.addTargets('torvalds/linux', 'moby/moby');
			h.replay.route(contributorsPath('torvalds/linux'), answerOf('doc-rest-contributors-too-large.json'));
			h.replay.route(contributorsPath('moby/moby'), { body: [contributor] });
			const report = await collectContributors();
			expect(report).toMatchObject({ status: 'partial', targetsDone: 1, requestsMade: 2 });
			expect(report.failures).toEqual([{ target: 'torvalds/linux', kind: 'http', message: expect.stringContaining('very large history') }]);
			expect(report.failures[0]!.message).toContain('403');
		});

		it('stops asking GitHub after a 403 with no requests left and a far reset', async () => {
			await h.addTargets('docker/compose', 'kubernetes/kubernetes', 'moby/moby');
			const limited = { status: 403, headers: farResetHeaders(), body: { message: 'API rate limit exceeded for 127.0.0.1.' } };
			for (const key of ['docker/compose', 'kubernetes/kubernetes', 'moby/moby']) h.replay.route(contributorsPath(key), limited);
			const report = await collectContributors({ GITHUB_TOKEN: testToken });
			expect(report).toMatchObject({ status: 'failed', targetsFailed: 3, requestsMade: 1, rateBudgetLeft: 0 });
			expect(report.failures.map((f) => f.kind)).toEqual(['rateLimited', 'rateLimited', 'rateLimited']);
			expect(report.failures[0]!.message).toMatch(/rate limit reached until \d{4}-/);
			expect(h.replay.countRequests()).toBe(1);
			expect(h.sleeps).toEqual([]);
		});

		it('without a token, uses what is left of the anonymous budget and leaves the rest waiting for the next day', async () => {
			await h.addTargets('acme/a', 'acme/b', 'acme/c');
			h.replay.route(contributorsPath('acme/a'), { headers: { ...firstPageHeaders, ...anonymousHeaders(1) }, body: [contributor] });
			h.replay.route(contributorsPath('acme/b'), { headers: anonymousHeaders(0), body: [contributor] });
			const report = await collectContributors();
			expect(report).toMatchObject({ status: 'ok', targetsDone: 2, targetsFailed: 0, requestsMade: 2, targetsWaiting: ['acme/c'] });
			expect(await h.listValues('acme/a')).toEqual([['contributors', 5]]);
			expect(await h.listValues('acme/b')).toEqual([['contributors', 1]]);
			expect(await h.getTarget('acme/c')).toMatchObject({ status: 'ok', metadata: { contributorsWaitingSince: '2026-11-28T10:05:00.000Z' } });
			expect(await listBudgetWaitNotes(h.db)).toEqual(['1 repository waits for the next daily contributor count: anonymous GitHub budget']);
		});

		it('treats the older "abuse detection" 403 as a rate limit too', async () => {
			await h.addTargets('docker/compose');
			h.replay.route(contributorsPath('docker/compose'), { status: 403, headers: { 'retry-after': '3600' }, body: abuseBody });
			const report = await collectContributors({ GITHUB_TOKEN: testToken });
			expect(report.failures).toEqual([{ target: 'docker/compose', kind: 'rateLimited', message: expect.stringContaining('for 3600 s') }]);
			expect(h.replay.countRequests()).toBe(1);
		});
	});

	describe('daily release downloads (REST)', () => {
		it('sums every asset of every release over all pages, counts 0 without releases, and notes the proxy', async () => {
			await h.addTargets('boot2docker/boot2docker', 'acme/no-releases');
			h.replay.route(releasesPath('boot2docker/boot2docker', 1), releasesPage1).route(releasesPath('boot2docker/boot2docker', 2), releasesPage2);
			h.replay.route(releasesPath('acme/no-releases', 1), { body: [] });
			const report = await collectDownloads({ GITHUB_TOKEN: testToken });
			expect(report).toMatchObject({ status: 'ok', targetsDone: 2, targetsFailed: 0, requestsMade: 3 });
			// 1,200,000 + 3,400 + 250,000 on page 1, 6,600 on page 2.
			expect(await h.listValues('boot2docker/boot2docker')).toEqual([['downloads', 1_460_000]]);
			expect(await h.listValues('acme/no-releases')).toEqual([['downloads', 0]]);
			const [sample] = await h.listSamples('boot2docker/boot2docker', 'downloads');
			expect(sample).toMatchObject({ provenance: 'observed', note: expect.stringContaining('files downloaded from GitHub releases only') });
			expect(await h.getRun(report.runId)).toMatchObject({ collector: 'github-downloads' });
		});

		it('writes nothing for a repository whose later page fails, and refuses an answer without download counts', async () => {
			await h.addTargets('boot2docker/boot2docker', 'acme/odd');
			h.replay.route(releasesPath('boot2docker/boot2docker', 1), releasesPage1).route(releasesPath('boot2docker/boot2docker', 2), { status: 404, body: { message: 'Not Found' } });
			h.replay.route(releasesPath('acme/odd', 1), { body: [{ tag_name: 'v1', assets: [{ name: 'x.iso' }] }] });
			const report = await collectDownloads({ GITHUB_TOKEN: testToken });
			expect(report).toMatchObject({ status: 'failed', targetsDone: 0, targetsFailed: 2 });
			expect(report.failures).toEqual([
				{ target: 'acme/odd', kind: 'invalidResponse', message: expect.stringContaining('unexpected releases answer') },
				{ target: 'boot2docker/boot2docker', kind: 'notFound', message: expect.stringContaining('releases page 2') }
			]);
			expect(await h.countSamples()).toBe(0);
		});

		it('without a token, stops when the anonymous budget is spent and leaves the rest waiting for the next day', async () => {
			await h.addTargets('acme/a', 'boot2docker/boot2docker', 'docker/toolbox');
			h.replay.route(releasesPath('acme/a', 1), { headers: anonymousHeaders(2), body: [] });
			// The budget ends between the two pages of boot2docker: nothing of it is kept, and it waits.
			h.replay.route(releasesPath('boot2docker/boot2docker', 1), releasesPage1);
			h.replay.route(releasesPath('boot2docker/boot2docker', 2), { status: 403, headers: { ...anonymousHeaders(0), ...farResetHeaders() }, body: { message: 'API rate limit exceeded for 127.0.0.1.' } });
			const report = await collectDownloads();
			expect(report).toMatchObject({ status: 'ok', targetsDone: 1, targetsFailed: 0, requestsMade: 3, targetsWaiting: ['boot2docker/boot2docker', 'docker/toolbox'] });
			expect(await h.listValues('acme/a')).toEqual([['downloads', 0]]);
			expect(await h.listValues('boot2docker/boot2docker')).toEqual([]);
			expect(await h.getTarget('docker/toolbox')).toMatchObject({ status: 'ok', metadata: { downloadsWaitingSince: '2026-11-28T10:05:00.000Z' } });
			expect(await listBudgetWaitNotes(h.db)).toEqual(['2 repositories wait for the next daily release downloads count: anonymous GitHub budget']);
		});
	});
});
