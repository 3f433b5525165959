import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { openDatabase, queryRows } from '../../src/lib/server/db/client.js';
import { applyMigrations } from '../../src/lib/server/db/migrate.js';
import { recomputeSampleFlags } from '../../src/lib/server/db/queries/sample-flags.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { refreshCounterFlags } from '../../src/lib/server/flags/refresh.js';
import { defaultCounterConfig, resolveFlagRules } from '../../src/lib/server/metrics/counters.js';
import { createPostgresDatabase, testBackends } from '../helpers/databases.js';
import { seedLargeSeries } from '../helpers/limits.js';
import { seedSeries } from '../helpers/samples.js';

/**
 * Stores written under older rules: flags recomputed once at start when the rules or COUNTER_*
 * settings changed, and the migration that removes rebuilt values written after a series' first
 * observed sample.
 */

const days = (values: number[]): [string, number][] => values.map((v, i) => [new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), v]);

describe.each(testBackends)('stored flags and definitions brought up to date on $name', (backend) => {
	let database: Database;
	const flagsOf = async (seriesId: number) =>
		(await queryRows<{ flags: string[] }>(database.db, sql`select flags from samples where series_id = ${seriesId} order by ts`)).map((r) => [...r.flags]);

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database?.close());

	it('recomputes flags left by older rules once, keeps a collector flag, and again when the settings change', async () => {
		const stars = await seedSeries(database.db, 'refresh/quiet', 'stars', days([5, 5, 5, 5, 5]));
		const pulls = await seedSeries(database.db, 'refresh/stuck', 'pulls', days([9, 9, 9, 9, 9]));
		// As an older version left them: `stall` on every quiet star count, a collector's `capped` beside it.
		await database.db.execute(sql`update samples set flags = '{stall,capped}' where series_id = ${stars} and ts > '2026-01-03'`);
		await database.db.execute(sql`update samples set flags = '{}' where series_id = ${pulls}`);
		// Marker from an older version: the rules differ.
		await database.db.execute(sql`insert into app_state (key, value) values ('counterFlagRules', '{"version": 1}') on conflict (key) do update set value = excluded.value`);

		const first = await refreshCounterFlags(database.db, defaultCounterConfig);
		expect(first?.changed).toBeGreaterThanOrEqual(3);
		expect(await flagsOf(stars)).toEqual([[], [], [], ['capped'], ['capped']]);
		// Pulls unchanged for 3 days (COUNTER_STALL_DAYS) is a stall from the fourth day on.
		expect(await flagsOf(pulls)).toEqual([[], [], [], ['stall'], ['stall']]);
		expect(await refreshCounterFlags(database.db, defaultCounterConfig)).toBeUndefined();

		const starsToo = { ...defaultCounterConfig, stallMetrics: ['pulls', 'stars'] };
		expect(await refreshCounterFlags(database.db, starsToo)).toMatchObject({ changed: 2 });
		expect(await flagsOf(stars)).toEqual([[], [], [], ['stall', 'capped'], ['stall', 'capped']]);
		expect(await refreshCounterFlags(database.db, starsToo)).toBeUndefined();
	});

	it('the migration removes rebuilt values at or after the first observed sample, and nothing else', async () => {
		const seriesId = await seedSeries(database.db, 'refresh/mixed', 'stars', days([1, 2]), 'reconstructed');
		await upsertSamples(database.db, seriesId, 'observed', [{ ts: new Date('2026-01-02T12:00:00Z'), value: 3 }]);
		// Written by an older version, after observations began:
		await database.db.execute(sql`insert into samples (series_id, ts, value, provenance) values
			(${seriesId}, '2026-01-02T12:00:00Z'::timestamptz + interval '1 day', 4, 'reconstructed'),
			(${seriesId}, '2026-01-05T00:00:00Z', 5, 'imported')`);
		const untouched = await seedSeries(database.db, 'refresh/rebuilt-only', 'stars', days([7, 8]), 'reconstructed');
		const migration = readFileSync(new URL('../../migrations/0009_rebuilt_after_observed.sql', import.meta.url), 'utf8');
		await database.db.execute(sql.raw(migration));
		const rows = await queryRows<{ series_id: number; value: number; provenance: string }>(
			database.db,
			sql`select series_id, value, provenance from samples where series_id in (${seriesId}, ${untouched}) order by series_id, ts`
		);
		expect(rows.map((r) => [r.series_id, Number(r.value), r.provenance])).toEqual([
			[seriesId, 1, 'reconstructed'],
			[seriesId, 2, 'reconstructed'],
			[seriesId, 3, 'observed'],
			[seriesId, 5, 'imported'],
			[untouched, 7, 'reconstructed'],
			[untouched, 8, 'reconstructed']
		]);
	});
});

describe.runIf(process.env.TEST_DATABASE_URL)('the flag refresh at start on PostgreSQL with a short STATEMENT_TIMEOUT_MS', () => {
	it('recomputes a series of 100,000 samples although one such statement takes longer than the timeout', async () => {
		const created = await createPostgresDatabase();
		const seeding = await openDatabase({ kind: 'postgres', url: created.url, poolMax: 1 });
		await applyMigrations(seeding);
		const seriesId = await seedLargeSeries(seeding.db, 'refresh/large', 100_000);
		await seeding.close();
		const database = await openDatabase({ kind: 'postgres', url: created.url, poolMax: 2, statementTimeoutMs: 50 });
		try {
			// The request limit holds elsewhere: the same recount outside the refresh is cancelled.
			await expect(
				database.db.transaction((tx) => recomputeSampleFlags(tx, seriesId, { from: new Date(0), to: new Date() }, resolveFlagRules(defaultCounterConfig, { kind: 'counter', source: 'github', metric: 'stars' })))
			).rejects.toThrow();
			expect(await refreshCounterFlags(database.db, defaultCounterConfig)).toMatchObject({ series: 1 });
		} finally {
			await database.close();
			await created.drop();
		}
	});
});
