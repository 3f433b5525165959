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

/** A key's stored value; undefined when the key is absent. */
export async function getAppState(db: Db, key: string): Promise<unknown> {
	const [row] = await queryRows<{ value: unknown }>(db, sql`select value from app_state where key = ${key}`);
	return row?.value;
}

/** Removes a key; false when it was not there. */
export async function deleteAppState(db: Db, key: string): Promise<boolean> {
	const deleted = await queryRows<{ key: string }>(db, sql`delete from app_state where key = ${key} returning key`);
	return deleted.length > 0;
}

/** Inside a transaction: waits until no other process is applying a configuration file (several instances start together). */
export async function lockConfigApply(tx: Db): Promise<void> {
	await tx.execute(sql`select pg_advisory_xact_lock(hashtext('dockpulse:config-file'))`);
}
