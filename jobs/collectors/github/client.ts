import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import type { Config, HttpConfig } from '../../../src/lib/server/config.js';
import { CollectorError } from '../errors.js';
import { describeRefusedRedirect, fetchWithinOrigin, isRedirect, readTextWithin } from '../fetch-guard.js';
import type { HttpStats } from '../http.js';
import { raceAbort, sleepUnlessAborted, withRunSignal, type RequestControls } from '../interruption.js';
import { isNotModified, toGithubError } from './faults.js';
import { buildRepositoriesQuery, type RepositoryName } from './graphql.js';
import {
	parseBatchAnswer,
	parseCommitAuthors,
	parseContributorCount,
	parseReleaseDownloads,
	parseRestRepository,
	type BatchAnswer,
	type CommitAuthorsPage,
	type RestRepository
} from './parse.js';
import { log } from '../../../src/lib/server/telemetry/log.js';

/**
 * GitHub over Octokit, with the fault handling every source needs (see ../http.ts for Docker Hub's):
 * - every request has a timeout (config.http.timeoutMs), body included;
 * - plugin-retry owns network errors, timeouts and 5xx: config.http.maxRetries retries after
 *   1, 4, 9... times config.http.retryBaseMs;
 * - plugin-throttling owns rate limits (403 with no budget left, secondary limits, 429, GraphQL
 *   RATE_LIMITED): a wait up to config.http.rateLimitMaxWaitMs is slept off and the request retried,
 *   a longer one gives up at once; 429 is on plugin-retry's doNotRetry list so that the two never
 *   both retry it;
 * - every HTTP request is counted, retries included, with the last rate-limit budget seen;
 * - the run's AbortSignal (the process is stopping) cancels the request in flight, a request queued
 *   behind the spacing of GraphQL or search calls, and a rate-limit wait;
 * - no redirect to another origin is followed (the token would go with it), and a body is cut when it
 *   passes 8 MB as it streams (../fetch-guard.ts).
 */

const GithubOctokit = Octokit.plugin(throttling, retry);
export type GithubOctokit = InstanceType<typeof GithubOctokit>;

export interface ReleaseDownloadsPage {
	downloads: number;
	isLastPage: boolean;
}

export type ContributorsAnswer = { isModified: true; count: number; etag: string | undefined } | { isModified: false };

const noop = () => {};

/**
 * Octokit's log: debug stays silent because Octokit logs the request options there, Authorization
 * header included; error too, because each failed request is already recorded per target on the
 * run; warn (deprecations, a failing limit handler) goes to the console.
 */
const octokitLog = { debug: noop, info: noop, warn: (message: string) => log.warn({ source: 'github' }, message), error: noop };

/**
 * plugin-throttling spaces GraphQL calls (it treats them as writes) 1 s apart in a process-wide group
 * (GitHub asks for a second between POSTs). The spacing scales with retryBaseMs, 1 s by default, so
 * that tests never wait; groups are shared per spacing because each one keeps a cleanup timer.
 */
const spacingGroups = new Map<string, Bottleneck.Group>();
function getSpacingGroup(kind: 'write' | 'search', spacingMs: number): Bottleneck.Group {
	const key = `${kind}:${spacingMs}`;
	let group = spacingGroups.get(key);
	if (!group) spacingGroups.set(key, (group = new Bottleneck.Group({ maxConcurrent: 1, minTime: spacingMs })));
	return group;
}

// Statuses whose answer has no body: a Response cannot be made again with one.
const nullBodyStatuses = new Set([101, 204, 205, 304]);

/**
 * fetch with a timeout on the whole exchange, counting requests and the rate budget left. The body is
 * read here, within the size limit, and handed to Octokit whole; a redirect to another origin comes
 * back unfollowed, and the outermost request hook refuses it. A body past the limit fails the request
 * as a fetch error would (plugin-retry tries it again, maxRetries at most; faults.ts keeps the reason).
 */
function createCountingFetch(stats: HttpStats, timeoutMs: number, controls: RequestControls): typeof fetch {
	return async (input, init) => {
		controls.signal?.throwIfAborted();
		stats.requests++;
		const timeout = withRunSignal(AbortSignal.timeout(timeoutMs), controls);
		const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
		const url = input instanceof Request ? input.url : String(input);
		const response = await fetchWithinOrigin(url, { ...init, signal });
		const remaining = Number(response.headers.get('x-ratelimit-remaining') ?? Number.NaN);
		if (Number.isFinite(remaining)) stats.rateBudgetLeft = remaining;
		if (nullBodyStatuses.has(response.status) || isRedirect(response)) return response;
		const text = await readTextWithin(response, new URL(url).pathname);
		return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
	};
}

/** A redirect answer that Octokit returned as if it were the data (it throws only from 304 and 400 up). */
function isRedirectAnswer(response: unknown): response is { status: number; url: string; headers: Record<string, string | undefined> } {
	return typeof response === 'object' && response !== null && [301, 302, 303, 307, 308].includes((response as { status?: number }).status ?? 0);
}

/** A rate-limit handler: true retries the request after the wait, false gives up. retryAfter is in seconds. */
function createLimitHandler(http: HttpConfig, controls: RequestControls) {
	return async (retryAfterS: number, _options: unknown, _octokit: unknown, retryCount: number): Promise<boolean> => {
		const waitMs = Math.max(0, retryAfterS) * 1000;
		if (retryCount >= http.maxRetries || waitMs > http.rateLimitMaxWaitMs) return false;
		// An aborted wait gives up: the request then fails as rate limited, and the run records it as interrupted.
		return sleepUnlessAborted(controls, waitMs).then(
			() => true,
			() => false
		);
	};
}

/** The Octokit every GitHub collector uses, counting its requests into `stats`. */
export function createGithubOctokit(
	github: Config['github'],
	http: HttpConfig,
	stats: HttpStats,
	controls: RequestControls = {}
): GithubOctokit {
	const onLimit = createLimitHandler(http, controls);
	const octokit = new GithubOctokit({
		baseUrl: github.apiUrl,
		auth: github.token,
		userAgent: 'dockpulse',
		log: octokitLog,
		request: { fetch: createCountingFetch(stats, http.timeoutMs, controls) },
		retry: {
			retries: http.maxRetries,
			retryAfterBaseValue: http.retryBaseMs,
			doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451]
		},
		throttle: {
			onRateLimit: onLimit,
			onSecondaryRateLimit: onLimit,
			// The handlers sleep (injectable, so tests can watch the wait without waiting); the plugin adds none.
			retryAfterBaseValue: 0,
			write: getSpacingGroup('write', http.retryBaseMs),
			// Search allows 30 requests a minute when authenticated: 2 s apart (2 x retryBaseMs).
			search: getSpacingGroup('search', 2 * http.retryBaseMs)
		}
	});
	// Wrapped last, so outermost: an aborted run neither queues a request behind the throttling
	// plugin's spacing nor waits for one queued there; a redirect is refused here, above the retries.
	const signal = controls.signal;
	octokit.hook.wrap('request', async (request, options) => {
		signal?.throwIfAborted();
		const response: unknown = await raceAbort(Promise.resolve(request(options)), signal);
		if (isRedirectAnswer(response)) {
			const answeredUrl = response.url || github.apiUrl;
			throw new CollectorError('http', describeRefusedRedirect(new URL(answeredUrl).pathname, response.status, response.headers.location, answeredUrl));
		}
		return response as Awaited<ReturnType<typeof request>>;
	});
	return octokit;
}

/**
 * What every GitHub client shares (the hourly counters, the backfill listings, the ecosystem search):
 * one Octokit with the collectors' HTTP rules, the requests it made, and failures mapped alike.
 */
export abstract class GithubApi {
	readonly stats: HttpStats = { requests: 0, rateBudgetLeft: undefined };
	protected readonly octokit: GithubOctokit;

	constructor(
		protected readonly github: Config['github'],
		protected readonly http: HttpConfig,
		controls: RequestControls = {}
	) {
		this.octokit = createGithubOctokit(github, http, this.stats, controls);
	}

	protected fail(error: unknown, what: string): CollectorError {
		return toGithubError(error, what, { timeoutMs: this.http.timeoutMs, token: this.github.token });
	}
}

export class GithubClient extends GithubApi {
	/** The counters of several repositories in one GraphQL request; one result per repository, in order. */
	async queryRepositories(repositories: readonly RepositoryName[]): Promise<BatchAnswer> {
		const keys = repositories.map((r) => `${r.owner}/${r.name}`);
		const what = `GraphQL batch of ${keys.length} (${keys[0]}...)`;
		try {
			const { query, variables } = buildRepositoriesQuery(repositories);
			const response = await this.octokit.request('POST /graphql', { query, variables });
			const answer = parseBatchAnswer(response.data, keys);
			// The GraphQL budget, in points, is the one that matters for this collector.
			if (answer.rateLimit) this.stats.rateBudgetLeft = answer.rateLimit.remaining;
			return answer;
		} catch (error) {
			throw this.fail(error, what);
		}
	}

	/**
	 * A repository's counters over REST, for a run without a token (GraphQL answers 401 to anyone
	 * without one): one request of the anonymous budget per repository.
	 */
	async getRepository(repository: RepositoryName): Promise<RestRepository> {
		const key = `${repository.owner}/${repository.name}`;
		let response;
		try {
			response = await this.octokit.request('GET /repos/{owner}/{repo}', { owner: repository.owner, repo: repository.name });
		} catch (error) {
			throw this.fail(error, key);
		}
		return parseRestRepository(response.data, key);
	}

	/**
	 * One page of a repository's commits, newest first, reduced to who wrote each and when. `page` is
	 * 1-based; isLastPage when the link header names no next page.
	 */
	async listCommitAuthors(repository: RepositoryName, page: number, perPage = 100): Promise<CommitAuthorsPage> {
		try {
			const response = await this.octokit.request('GET /repos/{owner}/{repo}/commits', {
				owner: repository.owner,
				repo: repository.name,
				per_page: perPage,
				page
			});
			return { authors: parseCommitAuthors(response.data), isLastPage: !/rel="next"/.test(response.headers.link ?? '') };
		} catch (error) {
			// An empty repository answers 409 Conflict: it has no commits to list.
			if ((error as { status?: unknown }).status === 409) return { authors: [], isLastPage: true };
			throw this.fail(error, `${repository.owner}/${repository.name} commits page ${page}`);
		}
	}

	/**
	 * The contributor count, asked conditionally when an ETag is known: a 304 means unchanged (and
	 * costs no rate budget when authenticated).
	 * https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
	 */
	async getContributors(repository: RepositoryName, etag: string | undefined): Promise<ContributorsAnswer> {
		const what = `${repository.owner}/${repository.name} contributors`;
		try {
			const response = await this.octokit.request('GET /repos/{owner}/{repo}/contributors', {
				owner: repository.owner,
				repo: repository.name,
				per_page: 1,
				anon: 'true',
				headers: etag ? { 'if-none-match': etag } : {}
			});
			return { isModified: true, count: parseContributorCount(response.status, response.headers.link, response.data), etag: response.headers.etag };
		} catch (error) {
			if (etag && isNotModified(error)) return { isModified: false };
			const failure = this.fail(error, what);
			// Not a rate limit: GitHub refuses this listing for repositories with a very large history.
			if (failure.kind === 'http' && (error as { status?: unknown }).status === 403) {
				throw new CollectorError('http', `${failure.message}; GitHub refuses this listing for repositories with a very large history`);
			}
			throw failure;
		}
	}

	/** The asset downloads of one page (1-based) of a repository's releases; isLastPage when the link names no next page. */
	async getReleaseDownloads(repository: RepositoryName, page: number): Promise<ReleaseDownloadsPage> {
		const what = `${repository.owner}/${repository.name} releases page ${page}`;
		let response;
		try {
			response = await this.octokit.request('GET /repos/{owner}/{repo}/releases', { owner: repository.owner, repo: repository.name, per_page: 100, page });
		} catch (error) {
			throw this.fail(error, what);
		}
		return { downloads: parseReleaseDownloads(response.data, what), isLastPage: !/rel="next"/.test(response.headers.link ?? '') };
	}
}
