/**
 * The batched GraphQL query for the hourly counters: one aliased `repository` field per repository,
 * so that a batch costs one request and about one point. Owners and names travel as GraphQL
 * variables; the query text holds only aliases and variable names made here from indexes, never
 * user text. https://docs.github.com/en/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api
 */

export interface RepositoryName {
	owner: string;
	name: string;
}

export interface RepositoriesQuery {
	query: string;
	variables: Record<string, string>;
}

/** The alias of the index-th repository of a batch: r0, r1, ... */
export function getAlias(index: number): string {
	return `r${index}`;
}

// `issues` counts issues only; REST open_issues_count would include open pull requests.
// `watchers` is the watching count, REST subscribers_count (REST watchers_count is stars).
const countsFragment = `fragment counts on Repository {
	stargazerCount
	forkCount
	watchers { totalCount }
	issues(states: OPEN) { totalCount }
	releases { totalCount }
	latestRelease { tagName publishedAt }
	homepageUrl
}`;

export function buildRepositoriesQuery(repositories: readonly RepositoryName[]): RepositoriesQuery {
	const declarations: string[] = [];
	const fields: string[] = [];
	const variables: Record<string, string> = {};
	repositories.forEach((repository, i) => {
		declarations.push(`$o${i}: String!, $n${i}: String!`);
		fields.push(`\t${getAlias(i)}: repository(owner: $o${i}, name: $n${i}) { ...counts }`);
		variables[`o${i}`] = repository.owner;
		variables[`n${i}`] = repository.name;
	});
	const query = `query Repositories(${declarations.join(', ')}) {
${fields.join('\n')}
	rateLimit { cost remaining resetAt }
}
${countsFragment}`;
	return { query, variables };
}
