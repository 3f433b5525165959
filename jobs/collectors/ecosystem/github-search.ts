import { z } from 'zod';
import { CollectorError } from '../errors.js';
import { GithubApi } from '../github/client.js';

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

export class GithubSearch extends GithubApi {
	/** How many repositories match `query`; throws a timeout failure when GitHub's answer is incomplete. */
	async countRepositories(query: string): Promise<number> {
		let data: unknown;
		try {
			data = (await this.octokit.request('GET /search/repositories', { q: query, per_page: 1 })).data;
		} catch (error) {
			throw this.fail(error, `search "${query}"`);
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
