import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';

/**
 * The data version answers are cached under: the database's current snapshot (which transactions'
 * writes a read now sees, `xmin:xmax:in-progress`). It changes whenever any write commits and never
 * otherwise, so an answer kept under it cannot be stale, and writers pay nothing for it: no counter row
 * for concurrent writers to queue on. An answer computed after this read may see writes committed in
 * between: newer than its key, never older.
 */
export async function readDataVersion(db: Db): Promise<string> {
	const [row] = await queryRows<{ version: string }>(db, sql`select pg_current_snapshot()::text as version`);
	return row!.version;
}
