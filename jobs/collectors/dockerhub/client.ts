import type { HttpConfig } from '../../../src/lib/server/config.js';
import { HttpClient } from '../http.js';
import { repositoryPageSchema, repositorySchema, searchCountSchema, type Repository, type RepositoryPage } from './parse.js';

/** Docker Hub API v2, read-only; a token is optional (public repositories need none). */
export class DockerHubClient {
	readonly http: HttpClient;

	constructor(
		private readonly baseUrl: string,
		token: string | undefined,
		config: HttpConfig,
		sleep?: (ms: number) => Promise<void>
	) {
		this.http = new HttpClient({ baseUrl, headers: token ? { authorization: `Bearer ${token}` } : {}, config, sleep });
	}

	getRepository(namespace: string, name: string): Promise<Repository> {
		return this.http.getJson(`/v2/namespaces/${encodeURIComponent(namespace)}/repositories/${encodeURIComponent(name)}`, repositorySchema);
	}

	/** How many public repositories Docker Hub's search finds for a query. */
	async countSearchResults(query: string): Promise<number> {
		const answer = await this.http.getJson(`/v2/search/repositories/?query=${encodeURIComponent(query)}&page_size=1`, searchCountSchema);
		return answer.count;
	}

	/**
	 * Every public repository of a namespace, following `next`. A `next` on another host is not
	 * followed: only its path and query are, against our own base URL, so a token never leaves it.
	 * A namespace that does not exist answers 200 with count 0 (docker/hub-feedback#2357).
	 */
	async listRepositories(namespace: string): Promise<Repository[]> {
		const repositories: Repository[] = [];
		let path: string | undefined = `/v2/namespaces/${encodeURIComponent(namespace)}/repositories?page_size=100`;
		// Bounded: 1,000 pages of 100 is far more than any namespace holds.
		for (let page = 0; path && page < 1000; page++) {
			const answer: RepositoryPage = await this.http.getJson(path, repositoryPageSchema);
			repositories.push(...answer.results);
			path = answer.next ? nextPath(answer.next, this.baseUrl) : undefined;
		}
		return repositories;
	}
}

function nextPath(next: string, baseUrl: string): string {
	const url = new URL(next, baseUrl);
	return `${url.pathname}${url.search}`;
}
