import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { applyMigrations, getMigrationState } from '../../src/lib/server/db/migrate.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';

describe.each(testBackends)('store on $name', (backend) => {
	let database: Database;
	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());

	it('applies the committed migrations, and applying them again changes nothing', async () => {
		const before = await getMigrationState(database);
		expect(before.isUpToDate).toBe(true);
		expect(before.applied).toBe(before.expected);
		await applyMigrations(database);
		expect(await getMigrationState(database)).toEqual(before);
		const tables = await queryRows<{ name: string }>(
			database.db,
			sql`select table_name::text as name from information_schema.tables where table_schema = 'public' order by 1`
		);
		expect(tables.map((t) => t.name)).toEqual(['collection_runs', 'samples', 'series', 'targets']);
	});

	it('keeps one target per source and key, and one series per target and metric', async () => {
		const a = await upsertTarget(database.db, { source: 'github', key: 'moby/moby', displayName: 'Moby' });
		const b = await upsertTarget(database.db, { source: 'github', key: 'moby/moby', displayName: 'renamed' });
		expect(b).toBe(a);
		const s1 = await upsertSeries(database.db, a, { metric: 'stars', unit: 'stars', kind: 'counter' });
		const s2 = await upsertSeries(database.db, a, { metric: 'stars', unit: 'stars', kind: 'counter' });
		expect(s2).toBe(s1);
	});

	it('writes the same samples twice without changing anything, and updates a changed value', async () => {
		const targetId = await upsertTarget(database.db, { source: 'dockerhub', key: 'library/nginx', displayName: 'nginx' });
		const seriesId = await upsertSeries(database.db, targetId, { metric: 'pulls', unit: 'pulls', kind: 'counter' });
		const rows = [
			{ ts: new Date('2026-05-03T00:00:00Z'), value: 12_981_954_060 },
			{ ts: new Date('2026-05-04T00:00:00Z'), value: 12_982_954_060 }
		];
		expect(await upsertSamples(database.db, seriesId, 'observed', rows)).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
		expect(await upsertSamples(database.db, seriesId, 'observed', rows)).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
		const corrected = [{ ...rows[1]!, value: 12_982_954_061 }];
		expect(await upsertSamples(database.db, seriesId, 'observed', corrected)).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
		const stored = await queryRows<{ value: number; n: number }>(
			database.db,
			sql`select max(value) as value, count(*)::int as n from samples where series_id = ${seriesId}`
		);
		// Above 2^31 and exact.
		expect(stored[0]).toEqual({ value: 12_982_954_061, n: 2 });
	});

	it('writes large batches (more than one statement) completely', async () => {
		const targetId = await upsertTarget(database.db, { source: 'github', key: 'big/history', displayName: 'big' });
		const seriesId = await upsertSeries(database.db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
		const start = Date.UTC(2000, 0, 1);
		const rows = Array.from({ length: 25_000 }, (_, i) => ({ ts: new Date(start + i * 3_600_000), value: i }));
		expect(await upsertSamples(database.db, seriesId, 'imported', rows)).toEqual({ inserted: 25_000, updated: 0, unchanged: 0 });
	});

	it('refuses values the schema forbids', async () => {
		const targetId = await upsertTarget(database.db, { source: 'github', key: 'bad/values', displayName: 'bad' });
		const seriesId = await upsertSeries(database.db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
		await expect(
			upsertSamples(database.db, seriesId, 'observed', [{ ts: new Date('2020-01-01Z'), value: Number.NaN }])
		).rejects.toThrow();
		await expect(
			database.db.execute(sql`insert into samples (series_id, ts, value, provenance) values (${seriesId}, now(), 1, 'guessed')`)
		).rejects.toThrow();
	});
});
