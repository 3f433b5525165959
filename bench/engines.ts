/**
 * The two databases the benchmark runs on, each with its own way of doing a raw COPY: a streamed
 * `COPY ... FROM STDIN` through pg-copy-streams on PostgreSQL, a `/dev/blob` COPY on PGlite (which has
 * no socket to stream into). Both copy into samples itself (the baseline our import path is held to)
 * or into samples_copy, a scratch twin without the foreign key (to show what that check costs).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openDatabase, queryRows, redactUrl, type Database, type Db } from '../src/lib/server/db/client.js';
import { applyMigrations } from '../src/lib/server/db/migrate.js';
import * as schema from '../src/lib/server/db/schema/index.js';

/**
 * BENCH_DATABASE_NAME picks another name, for two runs on one PostgreSQL server (or a run beside a
 * dashboard kept open on dockpulse_bench): the bench drops and recreates its database.
 */
export const benchDatabaseName = readDatabaseName(process.env.BENCH_DATABASE_NAME ?? 'dockpulse_bench');

function readDatabaseName(name: string): string {
	// It is written into DDL, which takes no parameters.
	if (!/^[a-z_][a-z0-9_]{0,50}$/.test(name)) throw new Error(`BENCH_DATABASE_NAME must be a lower-case SQL name, got "${name}"`);
	return name;
}

/** samples itself, or a scratch twin of it without its foreign key. */
export type CopyTable = 'samples' | 'samples_copy';

const copyStatement = (table: CopyTable, source: string) =>
	`copy ${table} (series_id, ts, value, provenance) from ${source} with (format csv)`;

export interface BenchEngine {
	database: Database;
	/** Whether copy() consumes its input while the server works, so progress through it is meaningful. */
	streamsCopy: boolean;
	/** Copies the given CSV lines (series_id,ts,value,provenance) into the table. */
	copy(table: CopyTable, chunks: Iterable<string>): Promise<void>;
}

export function adminUrl(env: NodeJS.ProcessEnv): string {
	return env.BENCH_DATABASE_URL ?? env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function benchUrl(admin: string): string {
	const url = new URL(admin);
	url.pathname = `/${benchDatabaseName}`;
	return url.toString();
}

export async function runAdmin(admin: string, statement: string): Promise<void> {
	const client = new pg.Client({ connectionString: admin });
	await client.connect().catch((error: Error) => {
		throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(admin)}: ${error.message}`);
	});
	try {
		await client.query(statement);
	} finally {
		await client.end();
	}
}

export async function dropBenchDatabase(admin: string): Promise<void> {
	// WITH (FORCE): a dashboard left open on the bench database must not make the drop hang.
	await runAdmin(admin, `drop database if exists ${benchDatabaseName} with (force)`);
}

/** Samples' twin: LIKE copies columns, checks, defaults and the primary key, not the foreign key. */
export async function createCopyTable(db: Db): Promise<void> {
	await db.execute(sql.raw('create table samples_copy (like samples including all)'));
}

export async function openPostgresEngine(admin: string): Promise<BenchEngine> {
	await dropBenchDatabase(admin);
	await runAdmin(admin, `create database ${benchDatabaseName}`);
	const database = await openDatabase({ kind: 'postgres', url: benchUrl(admin) });
	await applyMigrations(database);
	await createCopyTable(database.db);
	const pool = database.pool!;
	return {
		database,
		streamsCopy: true,
		async copy(table, chunks) {
			const client = await pool.connect();
			try {
				const stream = client.query(copyFrom(copyStatement(table, 'stdin')));
				await pipeline(Readable.from(chunks), stream);
			} finally {
				client.release();
			}
		}
	};
}

/**
 * Opened by hand rather than through openDatabase, because the COPY needs PGlite's own query() with
 * its blob option, which the drizzle handle does not expose. Set up the same way openDatabase does.
 */
export async function openPgliteEngine(): Promise<BenchEngine> {
	const client = await PGlite.create();
	await client.exec(`set time zone 'UTC'`);
	const database: Database = {
		db: drizzle({ client, schema }) as unknown as Db,
		kind: 'pglite',
		location: 'memory',
		close: () => client.close()
	};
	await applyMigrations(database);
	await createCopyTable(database.db);
	return {
		database,
		streamsCopy: false,
		async copy(table, chunks) {
			// The blob is the whole file, so PGlite's COPY holds it all; its runs are small enough.
			const blob = new Blob([...chunks]);
			await client.query(copyStatement(table, `'/dev/blob'`), [], { blob });
		}
	};
}

export async function countRows(db: Db, table: 'samples' | CopyTable): Promise<number> {
	const [row] = await queryRows<{ n: number }>(db, sql.raw(`select count(*)::float8 as n from ${table}`));
	return row?.n ?? 0;
}

/** Ids of the imported series by series number, read back because identity values depend on history. */
export async function loadSeriesIds(db: Db, count: number): Promise<number[]> {
	const rows = await queryRows<{ key: string; id: number }>(
		db,
		sql`select t.key, s.id from series s join targets t on t.id = s.target_id
			where t.source = 'github' and s.metric = 'stars' and t.key like 'bench/s%'`
	);
	const ids = new Array<number>(count);
	for (const row of rows) ids[Number(row.key.slice('bench/s'.length))] = row.id;
	if (rows.length !== count || ids.some((id) => id === undefined)) {
		throw new Error(`expected ${count} bench series, found ${rows.length}`);
	}
	return ids;
}
