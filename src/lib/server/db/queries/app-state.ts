import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';

/** One-time facts and markers about this store, in app_state, one JSON value per key. */

/** Sets a key's value, replacing the one stored. */
export async function upsertAppState(db: Db, key: string, value: unknown): Promise<void> {
	await db.execute(sql`insert into app_state (key, value) values (${key}, ${JSON.stringify(value)}::jsonb)
		on conflict (key) do update set value = excluded.value`);
}

/** Stores a key only when it is absent; false when it was there already (and is left as it was). */
export async function insertAppStateIfAbsent(db: Db, key: string, value: unknown): Promise<boolean> {
	const inserted = await queryRows<{ key: string }>(
		db,
		sql`insert into app_state (key, value) values (${key}, ${JSON.stringify(value)}::jsonb)
			on conflict (key) do nothing returning key`
	);
	return inserted.length > 0;
}
