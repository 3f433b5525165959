import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/lib/server/db/client.js';
import { applyMigrations } from '../../src/lib/server/db/migrate.js';
import { loadPgliteTemplateDump } from './pglite-template.js';

/**
 * The databases every integration test runs on: an in-memory PGlite always, and a real PostgreSQL
 * server when TEST_DATABASE_URL is set. Each test file gets a database of its own.
 */

export interface TestBackend {
	name: 'pglite' | 'postgres';
	/** A new, migrated, empty database. */
	open(): Promise<Database>;
}

const testDatabaseUrl = process.env.TEST_DATABASE_URL;

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: testDatabaseUrl });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

/** Creates an empty PostgreSQL database and returns its URL and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
	if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set');
	const name = `dockpulse_test_${randomBytes(6).toString('hex')}`;
	await withAdminClient((c) => c.query(`create database ${name}`));
	const url = new URL(testDatabaseUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		drop: () => withAdminClient((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined)
	};
}

const pgliteBackend: TestBackend = {
	name: 'pglite',
	async open() {
		// A copy of a migrated template: applying the migrations again checks them and changes nothing.
		const database = await openDatabase({ kind: 'pglite-memory', loadDataDir: await loadPgliteTemplateDump() });
		await applyMigrations(database);
		return database;
	}
};

const postgresBackend: TestBackend = {
	name: 'postgres',
	async open() {
		const created = await createPostgresDatabase();
		const database = await openDatabase({ kind: 'postgres', url: created.url, poolMax: 4 });
		await applyMigrations(database);
		return {
			...database,
			async close() {
				await database.close();
				await created.drop();
			}
		};
	}
};

export const testBackends: TestBackend[] = testDatabaseUrl ? [pgliteBackend, postgresBackend] : [pgliteBackend];
