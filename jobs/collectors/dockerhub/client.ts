import { z } from 'zod';
import type { Config, HttpConfig } from '../../../src/lib/server/config.js';
import { HttpClient } from '../http.js';
import type { RequestControls } from '../interruption.js';
import { repositoryPageSchema, repositorySchema, searchCountSchema, type Repository, type RepositoryPage } from './parse.js';

const accessTokenSchema = z.object({ access_token: z.string().min(1) });
// Docker Hub's access tokens last about 10 minutes; take a new one a minute early.
const accessTokenTtlMs = 9 * 60_000;

/**
 * Docker Hub API v2, read-only. Public repositories need no credentials; with DOCKERHUB_USERNAME and
 * DOCKERHUB_TOKEN (a personal access token) every request carries a short-lived access token from
 * POST /v2/auth/token (https://docs.docker.com/reference/api/hub/latest/#tag/authentication-api),
 * which raises the rate limit. The secret is sent to that endpoint only and never logged.
 */
export class DockerHubClient {
	readonly http: HttpClient;
	// The promise, not its value: requests running at once then share one sign-in.
	private accessToken: { value: Promise<string>; expiresMs: number } | undefined;

	constructor(
		private readonly dockerhub: Config['dockerhub'],
		config: HttpConfig,
		controls: RequestControls = {}
	) {
		const hasCredentials = dockerhub.username !== undefined && dockerhub.token !== undefined;
		this.http = new HttpClient({
			baseUrl: dockerhub.apiUrl,
			headers: {},
			authorize: hasCredentials ? () => this.authorize() : undefined,
			config,
			sleep: controls.sleep,
			signal: controls.signal
		});
	}

	private async authorize(): Promise<Record<string, string>> {
		if (!this.accessToken || this.accessToken.expiresMs <= Date.now()) {
			const value = this.http
				.postJson('/v2/auth/token', { identifier: this.dockerhub.username, secret: this.dockerhub.token }, accessTokenSchema)
				.then((answer) => answer.access_token);
			this.accessToken = { value, expiresMs: Date.now() + accessTokenTtlMs };
			// A failed sign-in is not kept: the next request tries again.
			value.catch(() => (this.accessToken = undefined));
		}
		return { authorization: `Bearer ${await this.accessToken.value}` };
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
			path = answer.next ? nextPath(answer.next, this.dockerhub.apiUrl) : undefined;
		}
		return repositories;
	}
}

function nextPath(next: string, baseUrl: string): string {
	const url = new URL(next, baseUrl);
	return `${url.pathname}${url.search}`;
}
