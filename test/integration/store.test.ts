import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { applyMigrations, getMigrationState } from '../../src/lib/server/db/migrate.js';
import { upsertSamples, writeSamples } from '../../src/lib/server/db/queries/samples.js';
import { withTransaction } from '../../src/lib/server/db/transaction.js';
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
		expect(tables.map((t) => t.name)).toEqual([
			'alert_deliveries', 'alert_events', 'alert_instances', 'alert_rules',
			'app_state', 'collection_batches', 'collection_runs', 'events', 'job_leases', 'report_deliveries', 'report_schedules', 'report_sends',
			'samples', 'series', 'series_latest', 'target_links', 'targets'
		]);
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
		expect(await upsertSamples(database.db, seriesId, 'observed', rows)).toEqual({ inserted: 2, updated: 0, unchanged: 0, keptObserved: 0 });
		expect(await upsertSamples(database.db, seriesId, 'observed', rows)).toEqual({ inserted: 0, updated: 0, unchanged: 2, keptObserved: 0 });
		const corrected = [{ ...rows[1]!, value: 12_982_954_061 }];
		expect(await upsertSamples(database.db, seriesId, 'observed', corrected)).toEqual({ inserted: 0, updated: 1, unchanged: 0, keptObserved: 0 });
		const stored = await queryRows<{ value: number; n: number }>(
			database.db,
			sql`select max(value) as value, count(*)::int as n from samples where series_id = ${seriesId}`
		);
		// Above 2^31 and exact.
		expect(stored[0]).toEqual({ value: 12_982_954_061, n: 2 });
	});

	it('never lets a reconstructed or imported value replace an observed one at the same instant', async () => {
		const targetId = await upsertTarget(database.db, { source: 'github', key: 'rank/check', displayName: 'rank' });
		const seriesId = await upsertSeries(database.db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
		const ts = new Date('2026-11-01T00:00:00Z');
		const later = new Date('2026-11-02T00:00:00Z');
		await upsertSamples(database.db, seriesId, 'observed', [{ ts, value: 100 }]);
		const kept = { inserted: 0, updated: 0, unchanged: 0, keptObserved: 1 };
		expect(await upsertSamples(database.db, seriesId, 'reconstructed', [{ ts, value: 98 }])).toEqual(kept);
		expect(await upsertSamples(database.db, seriesId, 'imported', [{ ts, value: 101 }])).toEqual(kept);
		// Beside it, an imported value is written; an imported one gives way to a new observation.
		expect(await upsertSamples(database.db, seriesId, 'imported', [{ ts, value: 101 }, { ts: later, value: 105 }])).toEqual({ ...kept, inserted: 1 });
		expect(await upsertSamples(database.db, seriesId, 'observed', [{ ts: later, value: 104 }])).toEqual({ inserted: 0, updated: 1, unchanged: 0, keptObserved: 0 });
		const rows = await queryRows<{ value: number; provenance: string }>(
			database.db,
			sql`select value, provenance from samples where series_id = ${seriesId} order by ts`
		);
		expect(rows).toEqual([
			{ value: 100, provenance: 'observed' },
			{ value: 104, provenance: 'observed' }
		]);
	});

	it('writes large batches (more than one statement) completely', async () => {
		const targetId = await upsertTarget(database.db, { source: 'github', key: 'big/history', displayName: 'big' });
		const seriesId = await upsertSeries(database.db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
		const start = Date.UTC(2000, 0, 1);
		const rows = Array.from({ length: 25_000 }, (_, i) => ({ ts: new Date(start + i * 3_600_000), value: i }));
		expect(await upsertSamples(database.db, seriesId, 'imported', rows)).toEqual({ inserted: 25_000, updated: 0, unchanged: 0, keptObserved: 0 });
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

	describe('bulk writes', () => {
		const hourly = (from: number, count: number) =>
			Array.from({ length: count }, (_, i) => ({ ts: new Date(Date.UTC(2010, 0, 1) + (from + i) * 3_600_000), value: from + i }));
		const newSeries = async (key: string) => {
			const targetId = await upsertTarget(database.db, { source: 'github', key, displayName: key });
			return upsertSeries(database.db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
		};
		const countOf = async (seriesId: number) =>
			(await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from samples where series_id = ${seriesId}`))[0]!.n;

		it('load a new range in bulk, then upsert into a range that has samples', async () => {
			const seriesId = await newSeries('bulk/fresh');
			const first = await withTransaction(database, (tx) => writeSamples(tx, seriesId, 'imported', hourly(0, 3000)));
			expect(first).toEqual({ inserted: 3000, updated: 0, unchanged: 0, keptObserved: 0 });
			const overlapping = await withTransaction(database, (tx) => writeSamples(tx, seriesId, 'imported', hourly(2000, 2000)));
			expect(overlapping).toEqual({ inserted: 1000, updated: 0, unchanged: 1000, keptObserved: 0 });
			expect(await countOf(seriesId)).toBe(4000);
		});

		it('keep notes with quotes and commas intact through the bulk path', async () => {
			const seriesId = await newSeries('bulk/notes');
			const rows = hourly(0, 1500).map((r, i) => ({ ...r, note: i === 7 ? 'cited "as is", with commas' : null }));
			await withTransaction(database, (tx) => writeSamples(tx, seriesId, 'reference', rows));
			const notes = await queryRows<{ note: string | null }>(
				database.db,
				sql`select note from samples where series_id = ${seriesId} and note is not null`
			);
			expect(notes).toEqual([{ note: 'cited "as is", with commas' }]);
		});

		it('fall back to the upsert when another writer fills the range first', async () => {
			const seriesId = await newSeries('bulk/race');
			const rows = hourly(0, 1200);
			const result = await withTransaction(database, async (tx) => {
				// The other writer lands between the range check and the COPY.
				const racing = tx.copy && {
					...tx,
					copy: async (...args: Parameters<NonNullable<typeof tx.copy>>) => {
						await upsertSamples(tx.db, seriesId, 'observed', [{ ts: rows[5]!.ts, value: 99 }]);
						return tx.copy!(...args);
					}
				};
				return writeSamples(racing || tx, seriesId, 'imported', rows);
			});
			expect(result.inserted + result.updated).toBe(1200);
			expect(await countOf(seriesId)).toBe(1200);
		});

		it('write nothing when the transaction fails after the bulk load', async () => {
			const seriesId = await newSeries('bulk/rollback');
			await expect(
				withTransaction(database, async (tx) => {
					await writeSamples(tx, seriesId, 'imported', hourly(0, 2000));
					throw new Error('crash after the COPY');
				})
			).rejects.toThrow('crash after the COPY');
			expect(await countOf(seriesId)).toBe(0);
		});
	});
});
