import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeObservation } from '../../jobs/observations.js';
import { queryRows, type Database, type Db } from '../../src/lib/server/db/client.js';
import { deleteTarget } from '../../src/lib/server/db/queries/collection-targets.js';
import { listMovers } from '../../src/lib/server/db/queries/movers.js';
import { deleteReconstructedFromEach } from '../../src/lib/server/db/queries/observations.js';
import { upsertSamples, writeSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import type { Provenance } from '../../src/lib/server/db/schema/index.js';
import { withTransaction } from '../../src/lib/server/db/transaction.js';
import { refreshCounterFlags } from '../../src/lib/server/flags/refresh.js';
import { defaultCounterConfig } from '../../src/lib/server/metrics/counters.js';
import { testBackends } from '../helpers/databases.js';

/**
 * series_latest (migration 0010) must equal the last sample of each series after every kind of write:
 * it is kept by triggers on samples, so each test writes through our real writers and compares the
 * table with the answer derived from samples.
 */

const day = 86_400_000;
const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (days: number) => new Date(t0 + days * day);

interface LatestRow {
	series_id: number;
	t_ms: number;
	value: number;
	provenance: Provenance;
	flags: string[];
}

const columns = sql`series_id, (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance, flags`;

function listMaintained(db: Db): Promise<LatestRow[]> {
	return queryRows<LatestRow>(db, sql`select ${columns} from series_latest order by series_id`);
}

function listDerived(db: Db): Promise<LatestRow[]> {
	return queryRows<LatestRow>(db, sql`select distinct on (series_id) ${columns} from samples order by series_id, ts desc`);
}

/** The table equals the derived answer, for every series of the store. */
async function expectExact(db: Db): Promise<void> {
	expect(await listMaintained(db)).toEqual(await listDerived(db));
}

async function getLatest(db: Db, seriesId: number) {
	const [row] = await queryRows<LatestRow>(db, sql`select ${columns} from series_latest where series_id = ${seriesId}`);
	return row && { days: (Number(row.t_ms) - t0) / day, value: Number(row.value), provenance: row.provenance, flags: row.flags };
}

function openStore(backend: (typeof testBackends)[number]) {
	const state: { database?: Database; keys: number } = { keys: 0 };
	beforeAll(async () => {
		state.database = await backend.open();
	});
	afterAll(() => state.database?.close());
	const db = () => state.database!.db;
	const addSeries = async (metric = 'pulls') => {
		const key = `latest/image-${++state.keys}`;
		const targetId = await upsertTarget(db(), { source: 'dockerhub', key, displayName: key });
		const seriesId = await upsertSeries(db(), targetId, { metric, unit: metric, kind: 'counter' });
		return { key, seriesId };
	};
	const observe = (key: string, days: number, pulls: number) =>
		writeObservation(db(), { target: { source: 'dockerhub', key, displayName: key }, ts: at(days), values: { pulls } }, defaultCounterConfig);
	const write = (seriesId: number, provenance: Provenance, points: [number, number][]) =>
		db().transaction((tx) => upsertSamples(tx, seriesId, provenance, points.map(([d, value]) => ({ ts: at(d), value }))));
	return { database: () => state.database!, db, addSeries, observe, write };
}

describe.each(testBackends)('series_latest on $name', (backend) => {
	const s = openStore(backend);

	it('follows observed samples and keeps the newest when an import lands out of order', async () => {
		const { key, seriesId } = await s.addSeries();
		await s.observe(key, 0, 100);
		await s.observe(key, 2, 300);
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 2, value: 300, provenance: 'observed' });
		await s.write(seriesId, 'imported', [[1, 160], [-5, 20]]);
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 2, value: 300, provenance: 'observed' });
		await s.write(seriesId, 'imported', [[5, 500], [4, 450]]);
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 5, value: 500, provenance: 'imported' });
		// A new value at the latest instant replaces it in place.
		await s.write(seriesId, 'imported', [[5, 510]]);
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 5, value: 510, provenance: 'imported' });
		await expectExact(s.db());
	});

	it('takes reconstructed values before the first observation, and steps back when an observation retires them', async () => {
		const { key, seriesId } = await s.addSeries();
		await s.write(seriesId, 'reconstructed', Array.from({ length: 11 }, (_, d): [number, number] => [d, 10 * d]));
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 10, value: 100, provenance: 'reconstructed' });
		// The observation at day 4 deletes the rebuilt values from day 4 on, the latest among them.
		await s.observe(key, 4, 41);
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 4, value: 41, provenance: 'observed' });
		// Rebuilt values after the first observation are held back, so the latest stays.
		await s.write(seriesId, 'reconstructed', [[8, 80]]);
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 4, value: 41, provenance: 'observed' });
		await expectExact(s.db());
	});

	it('follows a bulk import (COPY on PostgreSQL) and leaves nothing of a rolled-back one', async () => {
		const { key, seriesId } = await s.addSeries();
		await s.observe(key, -1, 5);
		const rows = Array.from({ length: 1500 }, (_, i) => ({ ts: at(i / 24), value: 1000 + i }));
		rows.reverse();
		await withTransaction(s.database(), (tx) => writeSamples(tx, seriesId, 'imported', rows));
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 1499 / 24, value: 2499, provenance: 'imported' });
		const later = Array.from({ length: 1200 }, (_, i) => ({ ts: at(100 + i / 24), value: 5000 + i }));
		const failing = withTransaction(s.database(), async (tx) => {
			await writeSamples(tx, seriesId, 'imported', later);
			throw new Error('the import failed after its samples went in');
		});
		await expect(failing).rejects.toThrow('the import failed');
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 1499 / 24, value: 2499 });
		await expectExact(s.db());
	});

	it('keeps the flags of the latest sample when a write before it recomputes them', async () => {
		const { key, seriesId } = await s.addSeries();
		await s.observe(key, 0, 100);
		await s.observe(key, 2, 300);
		expect((await getLatest(s.db(), seriesId))?.flags).toEqual(['jump']);
		// 300 is no jump from 160.
		await s.write(seriesId, 'imported', [[1, 160]]);
		expect((await getLatest(s.db(), seriesId))?.flags).toEqual([]);
		// New flag rules recompute every series: with a lower jump threshold, 300 from 160 is one again.
		const refresh = await refreshCounterFlags(s.db(), { ...defaultCounterConfig, jumpFactor: 1.5 });
		expect(refresh?.changed).toBeGreaterThan(0);
		expect((await getLatest(s.db(), seriesId))?.flags).toEqual(['jump']);
		await expectExact(s.db());
	});

	it('steps back when the latest sample is deleted, and drops the row with its series or target', async () => {
		const a = await s.addSeries();
		const b = await s.addSeries();
		await s.write(a.seriesId, 'imported', [[0, 1], [1, 2], [2, 3]]);
		await s.write(b.seriesId, 'imported', [[0, 7]]);
		// A data migration's delete (like 0009's) of the two newest samples.
		await s.db().execute(sql`delete from samples where series_id = ${a.seriesId} and ts >= ${at(1).toISOString()}::timestamptz`);
		expect(await getLatest(s.db(), a.seriesId)).toMatchObject({ days: 0, value: 1 });
		await s.db().execute(sql`delete from samples where series_id = ${a.seriesId}`);
		expect(await getLatest(s.db(), a.seriesId)).toBeUndefined();
		await s.write(a.seriesId, 'imported', [[3, 4]]);
		await s.db().execute(sql`delete from series where id = ${a.seriesId}`);
		expect(await getLatest(s.db(), a.seriesId)).toBeUndefined();
		expect(await deleteTarget(s.db(), { source: 'dockerhub', key: b.key })).toBe(true);
		expect(await getLatest(s.db(), b.seriesId)).toBeUndefined();
		await expectExact(s.db());
	});

	it('gives movers the latest sample when the window ends now, and the last one before an earlier end', async () => {
		const { seriesId } = await s.addSeries();
		await s.write(seriesId, 'imported', Array.from({ length: 11 }, (_, d): [number, number] => [d, 1_000 + 100 * d]));
		const moverOf = async (endDays: number) => {
			const rows = await listMovers(s.db(), { start: at(1), end: at(endDays), minBase: 0, limit: 1_000 });
			return rows.find((r) => r.ranking === 'change' && r.seriesId === seriesId)?.latest;
		};
		expect(await moverOf(30)).toEqual({ ts: at(10), value: 2_000, provenance: 'imported' });
		expect(await moverOf(5.5)).toEqual({ ts: at(5), value: 1_500, provenance: 'imported' });
	});

	it('is filled by migration 0010 for a store written before it', async () => {
		const { seriesId } = await s.addSeries();
		const migration = readFileSync(new URL('../../migrations/0010_series_latest.sql', import.meta.url), 'utf8');
		const backfill = migration.split('--> statement-breakpoint').find((part) => part.includes('-- Existing stores'));
		// Samples written with no trigger, as by a version before 0010; the trigger's row taken away.
		await s.db().execute(sql`alter table samples disable trigger user`);
		try {
			await s.write(seriesId, 'imported', [[0, 1], [3, 30], [2, 20]]);
		} finally {
			await s.db().execute(sql`alter table samples enable trigger user`);
		}
		await s.db().execute(sql`delete from series_latest`);
		expect(await getLatest(s.db(), seriesId)).toBeUndefined();
		await s.db().execute(sql.raw(backfill!));
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 3, value: 30, provenance: 'imported' });
		await expectExact(s.db());
	});

	it('equals the last sample of every series after any sequence of writes', async () => {
		const series = [await s.addSeries(), await s.addSeries(), await s.addSeries()];
		const point = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 1_000 }));
		const write = fc.oneof(
			fc.record({ kind: fc.constant('observe' as const), at: point }),
			fc.record({ kind: fc.constantFrom('imported' as const, 'reconstructed' as const, 'reference' as const), points: fc.array(point, { minLength: 1, maxLength: 5 }) }),
			fc.record({ kind: fc.constant('retire' as const), from: fc.integer({ min: 0, max: 30 }) }),
			fc.record({ kind: fc.constant('delete' as const), from: fc.integer({ min: 0, max: 30 }), to: fc.integer({ min: 0, max: 30 }) })
		);
		const step = fc.tuple(fc.integer({ min: 0, max: series.length - 1 }), write);
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
				await s.db().execute(sql`delete from samples where series_id = any(${sql.param(series.map((x) => x.seriesId))}::int[])`);
				for (const [index, w] of steps) {
					const { key, seriesId } = series[index]!;
					if (w.kind === 'observe') await s.observe(key, w.at[0], w.at[1]);
					else if (w.kind === 'retire') await deleteReconstructedFromEach(s.db(), [{ seriesId, from: at(w.from) }]);
					else if (w.kind === 'delete')
						await s.db().execute(sql`delete from samples where series_id = ${seriesId} and ts between ${at(w.from).toISOString()}::timestamptz and ${at(w.to).toISOString()}::timestamptz`);
					else await s.write(seriesId, w.kind, [...new Map(w.points).entries()]);
				}
				await expectExact(s.db());
			}),
			{ numRuns: 25 }
		);
	});

	it('is emptied with samples by a truncate', async () => {
		const { seriesId } = await s.addSeries();
		await s.write(seriesId, 'imported', [[0, 1]]);
		expect(await getLatest(s.db(), seriesId)).toBeDefined();
		await s.db().execute(sql`truncate samples`);
		expect(await listMaintained(s.db())).toEqual([]);
		await s.write(seriesId, 'imported', [[1, 2]]);
		expect(await getLatest(s.db(), seriesId)).toMatchObject({ days: 1, value: 2 });
	});
});

// Two writers on one store need two connections: PGlite has one.
describe.each(testBackends.filter((b) => b.name === 'postgres'))('series_latest with concurrent writers on $name', (backend) => {
	const s = openStore(backend);

	it('holds the newest sample when two writers interleave on the same series', async () => {
		const series = await Promise.all([s.addSeries(), s.addSeries(), s.addSeries()]);
		const ids = series.map((x) => x.seriesId);
		// Writer A: our upsert, under the series lock, even hours; writer B: plain multi-series inserts
		// without any lock (like a data migration), odd hours, the series in the opposite order.
		const writerA = async (round: number) => {
			for (const id of ids) await s.write(id, 'imported', [[(2 * round) / 24, round]]);
		};
		const writerB = (round: number) =>
			s.db().transaction(async (tx) => {
				for (const id of [...ids].reverse()) {
					await tx.execute(sql`insert into samples (series_id, ts, value, provenance) values (${id}, ${at((2 * round + 1) / 24).toISOString()}::timestamptz, ${-round}, 'imported')`);
				}
			});
		const rounds = Array.from({ length: 40 }, (_, i) => i);
		await Promise.all([...rounds.map(writerA), ...rounds.map(writerB)]);
		for (const id of ids) expect(await getLatest(s.db(), id)).toMatchObject({ days: 79 / 24, value: -39 });
		// And the reverse race: deletes of the newest samples against new writes.
		await Promise.all([
			...rounds.map((r) => s.db().execute(sql`delete from samples where series_id = any(${sql.param(ids)}::int[]) and ts = ${at((2 * r + 1) / 24).toISOString()}::timestamptz`)),
			...rounds.map((r) => s.write(ids[r % ids.length]!, 'imported', [[10 + r, r]]))
		]);
		await expectExact(s.db());
		expect(await getLatest(s.db(), ids[0]!)).toMatchObject({ days: 49, value: 39 });
	});
});
