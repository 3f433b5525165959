import { GithubApi } from '../client.js';
import type { RepositoryName } from '../graphql.js';
import { hasNextPage, parsePublishedReleases, parseStarHistory, parseStargazerDates, type PublishedRelease, type StarHistoryWeek } from './parse.js';

/** Statuses that say the star history is not served for this repository or token: fall back to the stargazers. */
const historyUnavailableStatuses = new Set([403, 404, 410]);

/** Statuses with which GitHub refuses the stargazers list to a caller who is not a collaborator. */
const stargazersRefusedStatuses = new Set([403, 404]);

/**
 * The REST listings of the history backfill, on the collectors' own Octokit (../client.ts: a
 * timeout on every request, retries, rate limits, every request counted), failures mapped by the
 * shared toGithubError.
 */

export interface ListingPage<T> {
	items: T[];
	isLastPage: boolean;
}

export class BackfillClient extends GithubApi {
	/**
	 * One page (1-based, 100 a page) of a repository's stargazers as their starred_at, oldest first, or
	 * undefined when GitHub refuses the listing: since July 2026 it lists stargazers only to a
	 * repository's admins and collaborators and answers others 404 (403 for some tokens; a rate limit
	 * is told apart by toGithubError and thrown). The star media type adds starred_at.
	 * https://docs.github.com/en/rest/activity/starring#list-stargazers
	 */
	async listStargazerDates(repository: RepositoryName, page: number): Promise<ListingPage<string> | undefined> {
		const what = `${repository.owner}/${repository.name} stargazers page ${page}`;
		let response;
		try {
			response = await this.octokit.request('GET /repos/{owner}/{repo}/stargazers', {
				owner: repository.owner,
				repo: repository.name,
				per_page: 100,
				page,
				headers: { accept: 'application/vnd.github.star+json' }
			});
		} catch (error) {
			const failure = this.fail(error, what);
			const status = (error as { status?: unknown }).status;
			if (failure.kind !== 'rateLimited' && typeof status === 'number' && stargazersRefusedStatuses.has(status)) return undefined;
			throw failure;
		}
		// Parsed outside the catch: an invalid answer is an invalidResponse failure, never a refusal.
		return { items: parseStargazerDates(response.data, what), isLastPage: !hasNextPage(response.headers.link) };
	}

	/**
	 * One page (1-based, 30 weeks a page, newest first) of a repository's star history, or undefined
	 * when GitHub answers 403 (not a rate limit), 404 or 410: the endpoint (2026-09-04) is not there
	 * for this repository or token, and the caller falls back to the stargazers.
	 * https://docs.github.com/rest/activity/starring#get-repository-star-history
	 */
	async getStarHistoryPage(repository: RepositoryName, page: number): Promise<ListingPage<StarHistoryWeek> | undefined> {
		const what = `${repository.owner}/${repository.name} star history page ${page}`;
		let response;
		try {
			response = await this.octokit.request('GET /repos/{owner}/{repo}/stargazers/history', {
				owner: repository.owner,
				repo: repository.name,
				per_page: 30,
				page
			});
		} catch (error) {
			const failure = this.fail(error, what);
			const status = (error as { status?: unknown }).status;
			if (failure.kind !== 'rateLimited' && typeof status === 'number' && historyUnavailableStatuses.has(status)) return undefined;
			throw failure;
		}
		// Parsed outside the catch: an invalid answer is an invalidResponse failure, never a fallback.
		return { items: parseStarHistory(response.data, what), isLastPage: !hasNextPage(response.headers.link) };
	}

	/** One page (1-based, 100 a page) of a repository's published releases, newest first as GitHub lists them. */
	async listReleases(repository: RepositoryName, page: number): Promise<ListingPage<PublishedRelease>> {
		const what = `${repository.owner}/${repository.name} releases page ${page}`;
		try {
			const response = await this.octokit.request('GET /repos/{owner}/{repo}/releases', {
				owner: repository.owner,
				repo: repository.name,
				per_page: 100,
				page
			});
			return { items: parsePublishedReleases(response.data, what), isLastPage: !hasNextPage(response.headers.link) };
		} catch (error) {
			throw this.fail(error, what);
		}
	}
}
