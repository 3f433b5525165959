import { z } from 'zod';
import type { Config, HttpConfig } from '../../../src/lib/server/config.js';
import { CollectorError } from '../errors.js';
import { createGithubOctokit, type GithubOctokit } from '../github/client.js';
import { toGithubError } from '../github/faults.js';
import type { HttpStats } from '../http.js';
import type { RequestControls } from '../interruption.js';

/**
 * GitHub search's total for an ecosystem query, taken only when GitHub says it is complete. A search
 * that times out on GitHub's side answers 200 with `incomplete_results: true` and a `total_count` that
 * is too low (https://docs.github.com/en/rest/search/search#timeouts-and-incomplete-results): storing it
 * would write a false drop and a `decrease` flag, so it is refused here and the target is retried at
 * the next run.
 */

const searchAnswerSchema = z.object({
	total_count: z.number().int().nonnegative(),
	incomplete_results: z.boolean().optional()
});

export class GithubSearch {
	readonly stats: HttpStats = { requests: 0, rateBudgetLeft: undefined };
	private readonly octokit: GithubOctokit;

	constructor(
		private readonly github: Config['github'],
		private readonly http: HttpConfig,
		controls: RequestControls = {}
	) {
		this.octokit = createGithubOctokit(github, http, this.stats, controls);
	}

	/** How many repositories match `query`; throws a timeout failure when GitHub's answer is incomplete. */
	async countRepositories(query: string): Promise<number> {
		let data: unknown;
		try {
			data = (await this.octokit.request('GET /search/repositories', { q: query, per_page: 1 })).data;
		} catch (error) {
			throw toGithubError(error, `search "${query}"`, { timeoutMs: this.http.timeoutMs, token: this.github.token });
		}
		const parsed = searchAnswerSchema.safeParse(data);
		if (!parsed.success) throw new CollectorError('invalidResponse', `search "${query}": answer without a total_count`);
		if (parsed.data.incomplete_results === true) {
			throw new CollectorError(
				'timeout',
				`search "${query}" timed out at GitHub (incomplete_results, total_count ${parsed.data.total_count} too low): nothing stored, retried at the next run`
			);
		}
		return parsed.data.total_count;
	}
}
