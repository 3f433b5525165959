/**
 * `npm run bench:storage`: bytes on disk per sample, on PostgreSQL and on the embedded PGlite store,
 * for the sizing table of docs/deploy.md. Writes a year of hourly observed samples for a set of series
 * through the app's own write path (upsertSamples, in batches), then measures the samples table with
 * its primary key (pg_total_relation_size, after VACUUM) and, on PGlite, the growth of the data folder.
 *
 * Environment: BENCH_DATABASE_URL (else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres);
 * STORAGE_SERIES (default 40) series of STORAGE_HOURS (default 8,760) samples each.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from '../src/lib/server/db/client.js';
import { applyMigrations } from '../src/lib/server/db/migrate.js';
import { upsertSamples } from '../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../src/lib/server/db/queries/targets.js';
import { adminUrl, runAdmin } from './engines.js';

const seriesCount = Number(process.env.STORAGE_SERIES ?? 40);
const hours = Number(process.env.STORAGE_HOURS ?? 8_760);
const storageDatabase = 'dockpulse_bench_storage';

function folderBytes(path: string): number {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.size;
	return readdirSync(path).reduce((sum, name) => sum + folderBytes(join(path, name)), 0);
}

/** A counter that grows by a few thousand an hour from a billion, as a popular image's pulls do. */
async function writeYear(database: Database): Promise<number> {
	const start = Date.UTC(2025, 0, 1);
	for (let s = 0; s < seriesCount; s++) {
		const targetId = await upsertTarget(database.db, { source: 'dockerhub', key: `bench/image-${s}`, displayName: `image ${s}` });
		const seriesId = await upsertSeries(database.db, targetId, { metric: 'pulls', unit: 'pulls', kind: 'counter' });
		let value = 1e9 + s * 1e6;
		const rows = Array.from({ length: hours }, (_, h) => ({ ts: new Date(start + h * 3_600_000), value: (value += 1_000 + ((h * 7919) % 5_000)) }));
		await database.db.transaction((tx) => upsertSamples(tx, seriesId, 'observed', rows));
	}
	return seriesCount * hours;
}

async function measureTable(database: Database): Promise<number> {
	await database.db.execute(sql`vacuum analyze samples`);
	const [row] = await queryRows<{ bytes: number }>(database.db, sql`select pg_total_relation_size('samples')::float8 as bytes`);
	return row!.bytes;
}

async function measurePostgres(): Promise<{ samples: number; tableBytes: number }> {
	const admin = adminUrl(process.env);
	await runAdmin(admin, `drop database if exists ${storageDatabase} with (force)`);
	await runAdmin(admin, `create database ${storageDatabase}`);
	const url = new URL(admin);
	url.pathname = `/${storageDatabase}`;
	const database = await openDatabase({ kind: 'postgres', url: url.toString() });
	try {
		await applyMigrations(database);
		const before = await measureTable(database);
		const samples = await writeYear(database);
		return { samples, tableBytes: (await measureTable(database)) - before };
	} finally {
		await database.close();
		await runAdmin(admin, `drop database if exists ${storageDatabase} with (force)`);
	}
}

async function measurePglite(): Promise<{ samples: number; tableBytes: number; folderBytes: number }> {
	const dataDir = mkdtempSync(join(tmpdir(), 'dockpulse-storage-'));
	try {
		const database = await openDatabase({ kind: 'pglite', dataDir });
		await applyMigrations(database);
		await database.db.execute(sql`checkpoint`);
		const folderBefore = folderBytes(dataDir);
		const before = await measureTable(database);
		const samples = await writeYear(database);
		const tableBytes = (await measureTable(database)) - before;
		await database.db.execute(sql`checkpoint`);
		await database.close();
		return { samples, tableBytes, folderBytes: folderBytes(dataDir) - folderBefore };
	} finally {
		rmSync(dataDir, { recursive: true, force: true });
	}
}

const perSample = (bytes: number, samples: number) => (bytes / samples).toFixed(1);
const postgres = await measurePostgres();
console.log(`PostgreSQL: ${postgres.samples} samples, samples table + key ${perSample(postgres.tableBytes, postgres.samples)} bytes/sample`);
const pglite = await measurePglite();
console.log(
	`PGlite: ${pglite.samples} samples, samples table + key ${perSample(pglite.tableBytes, pglite.samples)} bytes/sample, ` +
		`data folder ${perSample(pglite.folderBytes, pglite.samples)} bytes/sample (WAL included)`
);
