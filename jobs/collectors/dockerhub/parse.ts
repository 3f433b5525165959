import { z } from 'zod';
import { findGithubRepositories } from '../../../src/lib/server/links/mentions.js';

/**
 * Docker Hub answers, reduced to the fields Dockpulse keeps. Real answers differ from the spec (fields
 * missing, `previous: ""`), so only what is used is required.
 * https://docs.docker.com/reference/api/hub/latest/#tag/repositories
 */

// pull_count passes 2^31 (nginx: 12,981,954,060): a JS number holds it exactly up to 2^53.
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
// A counter Docker Hub kept in 32 bits somewhere has come back negative (wrapped): stored with the
// `wrapped` flag (metrics/counters.ts) rather than failing the target and losing the poll.
const counter = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

export const repositorySchema = z.object({
	name: z.string().min(1),
	namespace: z.string().min(1),
	pull_count: counter,
	star_count: counter,
	last_updated: z.string().nullish(),
	date_registered: z.string().nullish(),
	// Read only for the GitHub repositories they link to (link suggestions); a namespace listing has no
	// full_description, so its images are matched on the short description alone.
	description: z.string().nullish(),
	full_description: z.string().nullish()
});
export type Repository = z.infer<typeof repositorySchema>;

export const repositoryPageSchema = z.object({
	count: count,
	next: z.string().nullish(),
	results: z.array(repositorySchema)
});
export type RepositoryPage = z.infer<typeof repositoryPageSchema>;

/** The samples and metadata one repository gives. */
export function toRepositoryObservation(repository: Repository) {
	return {
		values: { pulls: repository.pull_count, stars: repository.star_count },
		metadata: {
			lastUpdated: repository.last_updated ?? null,
			dateRegistered: repository.date_registered ?? null,
			githubRepositories: findGithubRepositories(repository.description, repository.full_description)
		}
	};
}

/** /v2/search/repositories: only the total is used, as the size of a slice of the ecosystem. */
export const searchCountSchema = z.object({ count: count });
