import { collectGithub, collectGithubContributors, collectGithubDownloads } from '../../jobs/collectors/github/collect.js';
import { answerOf as recordedAnswer, readFixture, useCollectorHarness } from './collector-harness.js';
import type { TestBackend } from './databases.js';
import type { ReplayAnswer } from './replay-server.js';

/**
 * The GitHub stand-in the collector tests share: recorded and documented answers, the paths the
 * collectors ask, the anonymous budget's headers, and a harness with the collect functions.
 */

const fixture = (name: string) => readFixture(`github/${name}`);
/** A doc-* fixture as the replay server's answer. */
export const answerOf = (name: string): ReplayAnswer => recordedAnswer(`github/${name}`);
export const batchOf3 = answerOf('doc-graphql-repositories.json');
export const kubernetesRest = fixture('perceval-github_repo.json');
export const abuseBody = fixture('perceval-abuse_rate_limit.json');
const paginate = fixture('octokit-fixtures-paginate-issues.json');
/** Recorded response headers (a flat [name, value, ...] list) as an object, lower-cased. */
const headersOf = (exchange: { rawHeaders: string[] }) => {
	const headers: Record<string, string> = {};
	for (let i = 0; i < exchange.rawHeaders.length; i += 2) headers[exchange.rawHeaders[i]!.toLowerCase()] = exchange.rawHeaders[i + 1]!;
	delete headers['content-length'];
	return headers;
};
// Page 1 of a real listing: Link with rel="last" at page 5, an ETag, X-RateLimit-Remaining 4922.
export const firstPageHeaders = headersOf(paginate[14]);
// The last page of the same listing: Link with prev and first only.
export const lastPageHeaders = headersOf(paginate[18]);
export const contributor = { login: 'octocat', id: 583231, type: 'User', contributions: 32 };

export const graphqlPath = '/graphql';
export const testToken = 'ghp_test_token_for_the_stand_in';
export const releasesPath = (key: string, page: number) => `/repos/${key}/releases?per_page=100&page=${page}`;
export const releasesPage1 = answerOf('doc-rest-releases-page-1.json');
export const releasesPage2 = answerOf('doc-rest-releases-page-2.json');
export const contributorsPath = (key: string) => `/repos/${key}/contributors?per_page=1&anon=true`;
export const repositoryPath = (key: string) => `/repos/${key}`;
/** The anonymous budget's headers as GitHub sends them to a caller without a token. */
export const anonymousHeaders = (remaining: number) => ({ 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-resource': 'core' });
/** GET /repos/{o}/{r}: the real kubernetes answer (2019), renamed and recounted for other repositories. */
export const restRepository = (key: string, stars: number, forks: number, watchers: number, remaining = 59): ReplayAnswer => ({
	headers: anonymousHeaders(remaining),
	body: { ...kubernetesRest, full_name: key, stargazers_count: stars, watchers_count: stars, forks_count: forks, subscribers_count: watchers }
});
// What GitHub answers a GraphQL call without a token.
export const graphqlUnauthenticated: ReplayAnswer = {
	status: 401,
	body: { message: 'This endpoint requires you to be authenticated.', documentation_url: 'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql' }
};
export const farResetHeaders = () => ({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) });

/** A collector harness on a GitHub stand-in, and the runs of its three collectors with optional settings. */
export function useGithubCollectors(backend: TestBackend) {
	// No real waiting: every wait is injected (sleeps) or scaled down by HTTP_RETRY_BASE_MS=1. Elapsed
	// time is not asserted here: a loaded CI machine would make that flaky, and npm run bench times things.
	const h = useCollectorHarness(backend, {
		source: 'github',
		startAt: '2026-11-28T10:05:00Z',
		env: { HTTP_TIMEOUT_MS: '5000', HTTP_MAX_RETRIES: '2', RATE_LIMIT_MAX_WAIT_MS: '2000', COLLECT_CONCURRENCY: '1' }
	});
	const collect = (env?: Record<string, string>) => collectGithub(h.db, h.config(env), h.options());
	const collectDownloads = (env?: Record<string, string>) => collectGithubDownloads(h.db, h.config(env), h.options());
	const collectContributors = (env?: Record<string, string>) => collectGithubContributors(h.db, h.config(env), h.options());
	// GraphQL needs a token: without one the hourly collector asks REST instead.
	const collectWithToken = (env?: Record<string, string>) => collect({ GITHUB_TOKEN: testToken, ...env });
	return { h, collect, collectDownloads, collectContributors, collectWithToken };
}
