import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { Database } from './client.js';
import { hasMigrationJournal, listAppliedMigrations } from './queries/database.js';

/** The committed drizzle-kit output; scripts and the server both run from the project's root. */
export function resolveMigrationsFolder(folder = 'migrations'): string {
	const path = resolve(folder);
	if (!existsSync(resolve(path, 'meta/_journal.json'))) {
		throw new Error(`No migrations in ${path}: run Dockpulse from the project's root folder.`);
	}
	return path;
}

// Several servers or workers may start together on one PostgreSQL database: one migrates, the others
// wait on this advisory lock and then find nothing left to do.
const migrationLockKey = 7_240_117;

export async function applyMigrations(database: Database, migrationsFolder = resolveMigrationsFolder()) {
	const config = { migrationsFolder };
	if (database.kind === 'pglite') {
		await migratePglite(database.db as unknown as PgliteDatabase<Record<string, never>>, config);
		return;
	}
	if (!database.pool) throw new Error('A PostgreSQL database must carry its pool');
	// A session-level lock on one dedicated connection: drizzle's migrator runs its own transaction.
	const client = await database.pool.connect();
	try {
		// A schema change on a large table takes as long as it takes; the pool's statement_timeout is for requests.
		await client.query('set statement_timeout = 0');
		await client.query('select pg_advisory_lock($1)', [migrationLockKey]);
		await migratePg(drizzlePg({ client }) as NodePgDatabase<Record<string, never>>, config);
	} finally {
		// Destroying the connection ends its session, which releases the lock even after an error.
		client.release(true);
	}
}

export interface MigrationState {
	applied: number;
	expected: number;
	isUpToDate: boolean;
	latestApplied: string | undefined;
}

/** Compares the migrations recorded in the database with the committed ones, for /healthz. */
export async function getMigrationState(
	database: Database,
	migrationsFolder = resolveMigrationsFolder()
): Promise<MigrationState> {
	const expected = readMigrationFiles({ migrationsFolder });
	const applied = (await hasMigrationJournal(database.db)) ? await listAppliedMigrations(database.db) : [];
	const appliedMillis = new Set(applied.map((row) => Number(row.created_at)));
	const latest = applied.at(-1);
	return {
		applied: applied.length,
		expected: expected.length,
		isUpToDate: expected.every((m) => appliedMillis.has(m.folderMillis)),
		latestApplied: latest ? new Date(Number(latest.created_at)).toISOString() : undefined
	};
}
