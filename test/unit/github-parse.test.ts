import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRepositoriesQuery } from '../../jobs/collectors/github/graphql.js';
import {
	parseBatchAnswer,
	parseContributorCount,
	parseContributorsCache,
	parseLastPage,
	parseReleaseDownloads,
	parseRestRepository,
	toRepositoryObservation
} from '../../jobs/collectors/github/parse.js';
import { parseRepositoryKey } from '../../jobs/collectors/github/targets.js';

const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/github/${name}`, 'utf8'));
const paginate = fixture('octokit-fixtures-paginate-issues.json');
const linkOf = (exchange: { rawHeaders: string[] }) => exchange.rawHeaders[exchange.rawHeaders.indexOf('Link') + 1];

describe('GitHub GraphQL batch query', () => {
	it('passes owners and names as variables and never puts them in the query text', () => {
		const hostile = { owner: 'evil") { viewer { login } } #', name: 'x"' };
		const { query, variables } = buildRepositoriesQuery([{ owner: 'moby', name: 'moby' }, hostile]);
		expect(variables).toEqual({ o0: 'moby', n0: 'moby', o1: hostile.owner, n1: hostile.name });
		expect(query).not.toContain('moby');
		expect(query).not.toContain('evil');
		expect(query).toContain('r0: repository(owner: $o0, name: $n0) { ...counts }');
		expect(query).toContain('r1: repository(owner: $o1, name: $n1) { ...counts }');
		expect(query).toContain('query Repositories($o0: String!, $n0: String!, $o1: String!, $n1: String!)');
		expect(query).toContain('issues(states: OPEN) { totalCount }');
		expect(query).toContain('rateLimit { cost remaining resetAt }');
	});

	it('refuses keys that cannot name a GitHub repository', () => {
		expect(parseRepositoryKey('moby/moby')).toEqual({ owner: 'moby', name: 'moby' });
		expect(parseRepositoryKey('docker/docker.github.io')).toEqual({ owner: 'docker', name: 'docker.github.io' });
		for (const key of ['moby', 'a/b/c', 'moby/', 'mo by/moby', 'owner/na"me']) {
			expect(() => parseRepositoryKey(key)).toThrow(expect.objectContaining({ kind: 'notFound' }));
		}
	});
});

describe('GitHub GraphQL batch answer', () => {
	const keys = ['docker/compose', 'kubernetes/kubernetes', 'moby/moby'];

	it('turns each alias into its samples, in the order asked', () => {
		const answer = parseBatchAnswer(fixture('doc-graphql-repositories.json').body, keys);
		expect(answer.rateLimit).toEqual({ cost: 1, remaining: 4999, resetAt: '2025-11-28T11:00:00Z' });
		const k8s = answer.repositories[1]!;
		expect('counts' in k8s && toRepositoryObservation(k8s.counts)).toEqual({
			values: { stars: 48_188, forks: 16_687, watchers: 2_904, open_issues: 2_187, releases: 520 },
			metadata: { latestReleaseTag: 'v1.14.0', latestReleasePublishedAt: '2019-03-25T15:53:57Z', dockerhubImages: [] }
		});
	});

	it('fails a null alias alone: notFound for NOT_FOUND, http for another error', () => {
		const body = fixture('doc-graphql-not-found.json').body;
		const [compose, moby, nothing] = parseBatchAnswer(body, ['docker/compose', 'moby/moby', 'nobody/nothing']).repositories;
		expect(compose).toHaveProperty('counts');
		expect(moby).toHaveProperty('counts');
		expect(nothing).toEqual({ error: expect.objectContaining({ kind: 'notFound' }) });
		const forbidden = { ...body, errors: [{ type: 'FORBIDDEN', path: ['r2'], message: 'Resource protected by organization SAML enforcement.' }] };
		expect(parseBatchAnswer(forbidden, ['a/a', 'b/b', 'c/c']).repositories[2]).toEqual({ error: expect.objectContaining({ kind: 'http' }) });
	});

	it('fails the whole batch when rate limited or when the answer is not a GraphQL envelope', () => {
		expect(() => parseBatchAnswer(fixture('doc-graphql-rate-limited.json').body, keys)).toThrow(expect.objectContaining({ kind: 'rateLimited' }));
		expect(() => parseBatchAnswer('<html>', keys)).toThrow(expect.objectContaining({ kind: 'invalidResponse' }));
		expect(() => parseBatchAnswer({ data: [] }, keys)).toThrow(expect.objectContaining({ kind: 'invalidResponse' }));
	});

	it('rejects counts of the wrong type or sign, and a missing alias', () => {
		const r0 = fixture('doc-graphql-repositories.json').body.data.r0;
		const [wrongType, negative, missing] = parseBatchAnswer({ data: { r0: { ...r0, forkCount: '12' }, r1: { ...r0, stargazerCount: -1 } } }, keys).repositories;
		expect(wrongType).toEqual({ error: expect.objectContaining({ kind: 'invalidResponse', message: expect.stringContaining('forkCount') }) });
		expect(negative).toEqual({ error: expect.objectContaining({ kind: 'invalidResponse' }) });
		expect(missing).toEqual({ error: expect.objectContaining({ kind: 'invalidResponse', message: expect.stringContaining('no r2') }) });
	});
});

describe('GitHub REST repository answer (no token)', () => {
	it('reads stars, forks and watchers (subscribers_count), never watchers_count or open_issues_count', () => {
		const kubernetes = fixture('perceval-github_repo.json');
		expect(parseRestRepository(kubernetes, 'kubernetes/kubernetes')).toEqual({ counts: { stars: 48_188, forks: 16_687, watchers: 2_904 }, dockerhubImages: [] });
	});

	it('refuses an answer without the counts, naming the field', () => {
		expect(() => parseRestRepository({ stargazers_count: 1, forks_count: 2 }, 'acme/a')).toThrow(/acme\/a: unexpected repository answer \(subscribers_count/);
		expect(() => parseRestRepository({ stargazers_count: -1, forks_count: 2, subscribers_count: 3 }, 'acme/a')).toThrow(/stargazers_count/);
	});
});

describe('GitHub contributor count', () => {
	it('reads the last page number from a real link header', () => {
		expect(parseLastPage(linkOf(paginate[14]))).toBe(5);
		// The last page links back (prev, first) but has no rel="last".
		expect(parseLastPage(linkOf(paginate[18]))).toBeUndefined();
		expect(parseLastPage(undefined)).toBeUndefined();
		expect(parseContributorCount(200, '<https://api.github.com/repositories/1/contributors?per_page=1&anon=true&page=4321>; rel="last"', [{}])).toBe(4321);
	});

	it('counts the page itself without a link header, and an empty repository (204) as 0', () => {
		expect(parseContributorCount(200, undefined, [{ login: 'octocat' }])).toBe(1);
		expect(parseContributorCount(200, undefined, [])).toBe(0);
		expect(parseContributorCount(204, undefined, '')).toBe(0);
		expect(() => parseContributorCount(200, undefined, { message: 'not a list' })).toThrow(expect.objectContaining({ kind: 'invalidResponse' }));
		expect(() => parseContributorCount(200, '<https://x/?per_page=1>; rel="last"', [])).toThrow(expect.objectContaining({ kind: 'invalidResponse' }));
	});

	it('reads the cached ETag only together with the count it validated', () => {
		expect(parseContributorsCache({ contributorsEtag: '"abc"', contributorsCount: 5, other: 1 })).toEqual({ etag: '"abc"', count: 5 });
		expect(parseContributorsCache({ contributorsEtag: '"abc"' })).toBeUndefined();
		expect(parseContributorsCache({ contributorsEtag: null, contributorsCount: 5 })).toBeUndefined();
		expect(parseContributorsCache({})).toBeUndefined();
	});
});

describe('GitHub release downloads', () => {
	it('sums every asset of every release on a page, a release without assets adding nothing', () => {
		// 1,200,000 + 3,400 + 250,000, and a release candidate without files.
		expect(parseReleaseDownloads(fixture('doc-rest-releases-page-1.json').body, 'boot2docker/boot2docker releases page 1')).toBe(1_453_400);
		expect(parseReleaseDownloads([], 'acme/none releases page 1')).toBe(0);
	});

	it('refuses a page whose assets have no whole, non-negative download count', () => {
		for (const body of [[{ assets: [{ download_count: -1 }] }], [{ assets: [{ download_count: 1.5 }] }], [{ assets: [{}] }], { message: 'Not Found' }]) {
			expect(() => parseReleaseDownloads(body, 'acme/odd releases page 1')).toThrow(/^acme\/odd releases page 1: unexpected releases answer/);
		}
	});
});
