import { z } from 'zod';
import { CollectorError } from '../errors.js';
import { getAlias } from './graphql.js';
import { findDockerHubImages } from '../../../src/lib/server/links/mentions.js';

/**
 * GitHub answers reduced to the fields Dockpulse keeps, and turned into samples.
 * GraphQL: https://docs.github.com/en/graphql/reference/objects#repository
 * REST contributors: https://docs.github.com/en/rest/repos/repos#list-repository-contributors
 */

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const total = z.object({ totalCount: count });

export const repositoryCountsSchema = z.object({
	stargazerCount: count,
	forkCount: count,
	watchers: total,
	issues: total,
	releases: total,
	latestRelease: z.object({ tagName: z.string(), publishedAt: z.string().nullable() }).nullable(),
	// Read only for the Docker Hub image it may point at (link suggestions).
	homepageUrl: z.string().nullish()
});
export type RepositoryCounts = z.infer<typeof repositoryCountsSchema>;

const graphqlErrorSchema = z.object({
	type: z.string().optional(),
	path: z.array(z.union([z.string(), z.number()])).optional(),
	message: z.string()
});
type GraphqlError = z.infer<typeof graphqlErrorSchema>;

// A GraphQL answer is HTTP 200 even when parts failed: `data` holds what resolved, `errors` the rest.
const batchAnswerSchema = z.object({
	data: z.record(z.string(), z.unknown()).nullish(),
	errors: z.array(graphqlErrorSchema).optional()
});

const rateLimitSchema = z.object({ cost: count, remaining: count, resetAt: z.string() });
export type GraphqlRateLimit = z.infer<typeof rateLimitSchema>;

export type RepositoryResult = { counts: RepositoryCounts } | { error: CollectorError };

export interface BatchAnswer {
	/** One result per repository asked, in the order asked. */
	repositories: RepositoryResult[];
	rateLimit: GraphqlRateLimit | undefined;
}

function describeIssue(error: z.ZodError): string {
	const issue = error.issues[0];
	return `${issue?.path.join('.') || 'body'}: ${issue?.message}`;
}

export function isGraphqlRateLimited(errors: readonly { type?: unknown }[] | undefined): boolean {
	return (errors ?? []).some((e) => e.type === 'RATE_LIMITED');
}

/** One repository of the batch: its counts, or why it has none. */
function parseRepository(data: Record<string, unknown> | null | undefined, errors: GraphqlError[], index: number, key: string): RepositoryResult {
	const alias = getAlias(index);
	const value = data?.[alias];
	const error = errors.find((e) => e.path?.[0] === alias);
	if (value === null || value === undefined) {
		if (error?.type === 'NOT_FOUND') return { error: new CollectorError('notFound', `${key}: ${error.message}`) };
		if (error) return { error: new CollectorError('http', `${key}: GitHub GraphQL error ${error.type ?? ''} ${error.message}`.replace(/\s+/g, ' ')) };
		const unattributed = errors[0];
		if (unattributed) return { error: new CollectorError('http', `${key}: GitHub GraphQL error: ${unattributed.message}`) };
		return { error: new CollectorError('invalidResponse', `${key}: the GraphQL answer has no ${alias}`) };
	}
	const parsed = repositoryCountsSchema.safeParse(value);
	if (!parsed.success) return { error: new CollectorError('invalidResponse', `${key}: unexpected GraphQL answer (${describeIssue(parsed.error)})`) };
	return { counts: parsed.data };
}

/**
 * A batched answer, repository by repository: a missing repository is null with a NOT_FOUND error
 * for its alias and fails alone; a rate-limited answer (HTTP 200 with a RATE_LIMITED error) fails
 * the whole batch, as does an answer that is not a GraphQL envelope at all.
 */
export function parseBatchAnswer(body: unknown, keys: readonly string[]): BatchAnswer {
	const answer = batchAnswerSchema.safeParse(body);
	if (!answer.success) throw new CollectorError('invalidResponse', `GraphQL batch of ${keys.length}: unexpected answer (${describeIssue(answer.error)})`);
	const errors = answer.data.errors ?? [];
	if (isGraphqlRateLimited(errors)) throw new CollectorError('rateLimited', `GraphQL batch of ${keys.length}: GitHub GraphQL rate limit reached`);
	const rateLimit = rateLimitSchema.safeParse(answer.data.data?.rateLimit);
	return {
		repositories: keys.map((key, i) => parseRepository(answer.data.data, errors, i, key)),
		rateLimit: rateLimit.success ? rateLimit.data : undefined
	};
}

/** The samples and metadata one repository gives. */
export function toRepositoryObservation(counts: RepositoryCounts) {
	return {
		values: {
			stars: counts.stargazerCount,
			forks: counts.forkCount,
			watchers: counts.watchers.totalCount,
			open_issues: counts.issues.totalCount,
			releases: counts.releases.totalCount
		},
		metadata: {
			latestReleaseTag: counts.latestRelease?.tagName ?? null,
			latestReleasePublishedAt: counts.latestRelease?.publishedAt ?? null,
			dockerhubImages: findDockerHubImages(counts.homepageUrl)
		}
	};
}

// GET /repos/{o}/{r}: watchers_count is stars again (a legacy name), watchers are subscribers_count;
// open_issues_count counts open pull requests too, so it is not read at all.
// https://docs.github.com/en/rest/repos/repos#get-a-repository
const restRepositorySchema = z.object({ stargazers_count: count, forks_count: count, subscribers_count: count, homepage: z.string().nullish() });

/** What the REST repository answer gives without a token: stars, forks and watchers (subscribers), and the images its homepage names. */
export function parseRestRepository(data: unknown, key: string): RestRepository {
	const parsed = restRepositorySchema.safeParse(data);
	if (!parsed.success) throw new CollectorError('invalidResponse', `${key}: unexpected repository answer (${describeIssue(parsed.error)})`);
	return {
		counts: { stars: parsed.data.stargazers_count, forks: parsed.data.forks_count, watchers: parsed.data.subscribers_count },
		dockerhubImages: findDockerHubImages(parsed.data.homepage)
	};
}

export interface RestRepositoryCounts {
	stars: number;
	forks: number;
	watchers: number;
}

export interface RestRepository {
	counts: RestRepositoryCounts;
	dockerhubImages: string[];
}

/** The page number of the `rel="last"` link, if the answer has one. */
export function parseLastPage(link: string | undefined): number | undefined {
	for (const part of (link ?? '').split(',')) {
		const match = /<([^>]*)>\s*;\s*rel="([^"]*)"/.exec(part);
		if (!match || !match[2]!.split(/\s+/).includes('last')) continue;
		const page = Number(new URL(match[1]!, 'https://api.github.com').searchParams.get('page'));
		if (!Number.isSafeInteger(page) || page < 1) throw new CollectorError('invalidResponse', `link rel="last" has no page number: ${match[1]}`);
		return page;
	}
	return undefined;
}

const contributorsPageSchema = z.array(z.unknown());

/**
 * The contributor count from one page of one contributor: with per_page=1 the last page number is
 * the count. Without a link header there is one page, so the count is its length (0 or 1); an empty
 * repository answers 204 with no body at all.
 */
export function parseContributorCount(status: number, link: string | undefined, body: unknown): number {
	if (status === 204) return 0;
	const page = contributorsPageSchema.safeParse(body);
	if (!page.success) throw new CollectorError('invalidResponse', `unexpected contributors answer (${describeIssue(page.error)})`);
	return parseLastPage(link) ?? page.data.length;
}

const contributorsCacheSchema = z.object({ contributorsEtag: z.string().min(1), contributorsCount: count });

/** The ETag of the last contributors answer and the count it carried, read back from target metadata. */
export function parseContributorsCache(metadata: unknown): { etag: string; count: number } | undefined {
	const cache = contributorsCacheSchema.safeParse(metadata);
	return cache.success ? { etag: cache.data.contributorsEtag, count: cache.data.contributorsCount } : undefined;
}

// Only who and when: `author` is the GitHub account (null when the e-mail matches none), and
// commit.author is what git recorded. https://docs.github.com/en/rest/commits/commits#list-commits
const commitSchema = z.object({
	author: z.object({ login: z.string() }).nullish(),
	commit: z.object({
		author: z.object({ email: z.string().nullish(), name: z.string().nullish(), date: z.string() }).nullish()
	})
});

export interface CommitAuthor {
	login: string | undefined;
	email: string | undefined;
	date: string;
}

export interface CommitAuthorsPage {
	authors: CommitAuthor[];
	isLastPage: boolean;
}

export function parseCommitAuthors(data: unknown): CommitAuthor[] {
	const parsed = z.array(commitSchema).safeParse(data);
	if (!parsed.success) throw new CollectorError('invalidResponse', `commits answer: ${parsed.error.issues[0]?.message}`);
	return parsed.data
		.filter((c) => c.commit.author?.date)
		.map((c) => ({ login: c.author?.login, email: c.commit.author?.email ?? undefined, date: c.commit.author!.date }));
}

// Only the per-file counters: download_count is cumulative per asset and never reset; a release
// without files has `assets: []`. https://docs.github.com/en/rest/releases/releases#list-releases
const releasesPageSchema = z.array(z.object({ assets: z.array(z.object({ download_count: count })) }));

/** The downloads of every asset of every release on one page of the releases listing. */
export function parseReleaseDownloads(data: unknown, what: string): number {
	const parsed = releasesPageSchema.safeParse(data);
	if (!parsed.success) throw new CollectorError('invalidResponse', `${what}: unexpected releases answer (${describeIssue(parsed.error)})`);
	return parsed.data.reduce((sum, release) => sum + release.assets.reduce((s, asset) => s + asset.download_count, 0), 0);
}
