import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';

/** The database's own state, for /healthz and `npm run migrate`: is it reachable, which migrations ran. */

/** One round trip that reads no table: throws when the database cannot be reached. */
export async function pingDatabase(db: Db): Promise<void> {
	await queryRows(db, sql`select 1 as one`);
}

/** Whether drizzle's migration journal exists (it does once any migration ran). */
export async function hasMigrationJournal(db: Db): Promise<boolean> {
	const [row] = await queryRows<{ present: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
	return row?.present === true;
}

/**
 * When each applied migration was created, in epoch ms as text (drizzle records the migration
 * folder's timestamp, not the time it ran), oldest first. Call only when the journal exists.
 */
export async function listAppliedMigrations(db: Db): Promise<{ created_at: string }[]> {
	return queryRows<{ created_at: string }>(db, sql`select created_at::text as created_at from drizzle.__drizzle_migrations order by created_at`);
}

/**
 * Lifts the pool's statement_timeout for the rest of the calling transaction: for maintenance at start
 * (recomputing a large series' flags) that takes as long as the data needs; STATEMENT_TIMEOUT_MS bounds
 * requests. Outside a transaction it would do nothing (SET LOCAL), so call it inside one.
 */
export async function liftStatementTimeoutForTransaction(tx: Db): Promise<void> {
	await tx.execute(sql`set local statement_timeout = 0`);
}
