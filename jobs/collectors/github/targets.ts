import type { Db } from '../../../src/lib/server/db/client.js';
import { listActiveTargets, type CollectionTarget } from '../../../src/lib/server/db/queries/collection-targets.js';
import { CollectorError } from '../errors.js';
import type { RepositoryName } from './graphql.js';

export type GithubTarget = CollectionTarget;

/** Active github targets (key `owner/name`) with their metadata, which holds the contributors ETag. */
export async function listGithubTargets(db: Db, onlyKey: string | undefined): Promise<GithubTarget[]> {
	const rows = await listActiveTargets(db, 'github');
	return rows.filter((t) => !onlyKey || t.key === onlyKey);
}

// GitHub's own rules: owners are letters, digits and hyphens; names add dots and underscores.
const repositoryKeyPattern = /^([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})$/;

/** `owner/name` as its parts; a key that cannot name a GitHub repository is notFound. */
export function parseRepositoryKey(key: string): RepositoryName {
	const match = repositoryKeyPattern.exec(key);
	if (!match) throw new CollectorError('notFound', `${key}: not a GitHub repository (expected owner/name)`);
	return { owner: match[1]!, name: match[2]! };
}
