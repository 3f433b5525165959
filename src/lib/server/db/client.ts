import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.js';
import { acquireDataDirLock } from './lock.js';
import { log } from '../telemetry/log.js';

/** The drizzle handle every query takes; PGlite's and pg's both are this type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
	db: Db;
	kind: 'pglite' | 'postgres';
	/** Where the data lives, for messages: a folder or a URL without its password. */
	location: string;
	/** The pg pool behind db, for work that needs one connection throughout (migration locks, COPY). */
	pool?: pg.Pool;
	close(): Promise<void>;
}

export type DatabaseTarget =
	| { kind: 'postgres'; url: string; poolMax?: number; statementTimeoutMs?: number }
	| { kind: 'pglite'; dataDir: string }
	/**
	 * An embedded store in memory, gone when closed; from a dump of another store's data folder when
	 * given (PGlite's dumpDataDir), which skips initdb: tests start each file from a migrated template.
	 */
	| { kind: 'pglite-memory'; loadDataDir?: Blob };

/**
 * Runs raw SQL and returns its rows. Both drivers answer { rows }, but they type scalars differently
 * (pg returns bigint and numeric as strings), so every raw query casts what it selects to int, float8,
 * text or boolean.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
	const result = (await db.execute(query)) as unknown as { rows: T[] };
	return result.rows;
}

/** The SQL types a set-wise statement passes as array parameters. */
export type ColumnType = 'int' | 'text' | 'float8' | 'boolean' | 'timestamptz';

/**
 * One column of a set of rows as an array parameter, cast to its SQL type, for `unnest(...)`: a
 * set-wise statement takes its rows as one array per column.
 */
export function arrayColumn<R>(rows: readonly R[], pick: (row: R) => unknown, type: ColumnType): SQL {
	return sql`${sql.param(rows.map(pick))}::${sql.raw(type)}[]`;
}

export function redactUrl(url: string): string {
	const parsed = new URL(url);
	if (parsed.password) parsed.password = '***';
	return parsed.toString();
}

/**
 * Sessions in UTC so that timestamps print and truncate the same whatever the server's time zone, and
 * with a statement_timeout (0 is none): one runaway statement, whoever runs it, must not hold a pooled
 * connection for good. Work that may take longer sets its own (migrations, export COPY).
 */
export function buildSessionOptions(statementTimeoutMs: number): string {
	return `-c TimeZone=UTC -c statement_timeout=${Math.trunc(statementTimeoutMs)}`;
}

async function openPostgres(url: string, poolMax: number, statementTimeoutMs: number): Promise<Database> {
	// Idle connections are kept for 5 minutes (pg's default is 10 s): a dashboard read every few seconds
	// would otherwise pay a new connection, 6 to 120 ms here, on many requests.
	const pool = new pg.Pool({
		connectionString: url,
		max: poolMax,
		idleTimeoutMillis: 300_000,
		options: buildSessionOptions(statementTimeoutMs)
	});
	// An idle client's error (server restart) is reported on the pool; unhandled, it would crash the process.
	pool.on('error', (error) => log.error({ err: error }, 'PostgreSQL pool: an idle connection failed'));
	const client = await pool.connect().catch((error: Error) => {
		void pool.end();
		throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${error.message}`);
	});
	client.release();
	return {
		db: drizzlePg({ client: pool, schema }) as unknown as Db,
		kind: 'postgres',
		location: redactUrl(url),
		pool,
		close: () => pool.end()
	};
}

async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<Database> {
	let release = () => {};
	let pgDataDir: string | undefined;
	if (dataDir !== undefined) {
		release = acquireDataDirLock(dataDir);
		pgDataDir = join(dataDir, 'pglite');
		// PGlite does not create a missing parent folder.
		mkdirSync(dataDir, { recursive: true });
	}
	try {
		const client = await PGlite.create(pgDataDir, loadDataDir ? { loadDataDir } : {});
		await client.exec(`set time zone 'UTC'`);
		return {
			db: drizzlePglite({ client, schema }) as unknown as Db,
			kind: 'pglite',
			location: pgDataDir ?? 'memory',
			close: async () => {
				await client.close();
				release();
			}
		};
	} catch (error) {
		release();
		throw error;
	}
}

export function openDatabase(target: DatabaseTarget): Promise<Database> {
	if (target.kind === 'postgres') return openPostgres(target.url, target.poolMax ?? 10, target.statementTimeoutMs ?? 0);
	if (target.kind === 'pglite') return openPglite(target.dataDir);
	return openPglite(undefined, target.loadDataDir);
}
