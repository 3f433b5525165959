import { sql } from 'drizzle-orm';
import type { TargetRef } from '../../../refs.js';
import { queryRows, type Db } from '../client.js';

/** A tracked repository's contributor-history progress (targets.metadata.contributorHistory), as stored. */
export interface StoredContributorHistory {
	source: string;
	key: string;
	history: unknown;
}

/** The contributor-history progress of each tracked target among `refs`, in one round trip; untracked ones are absent. */
export async function listContributorHistories(db: Db, refs: readonly TargetRef[]): Promise<StoredContributorHistory[]> {
	return queryRows<StoredContributorHistory>(
		db,
		sql`select t.source, t.key, t.metadata -> 'contributorHistory' as history
			from unnest(${sql.param(refs.map((r) => r.source))}::text[], ${sql.param(refs.map((r) => r.key))}::text[]) as wanted(source, key)
			join targets t on t.source = wanted.source and t.key = wanted.key`
	);
}
