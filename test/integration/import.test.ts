import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeriesRef, type SeriesRef } from '../../src/lib/refs.js';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { importSeriesCsv } from '../../src/lib/server/import/import-csv.js';
import { importSeries } from '../../src/lib/server/import/import-series.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';

const ref = (text: string): SeriesRef => {
	const parsed = parseSeriesRef(text);
	if (!parsed.ok) throw new Error(parsed.message);
	return parsed.value;
};

describe.each(testBackends)('importing CSV on $name', (backend) => {
	let database: Database;
	const count = async (table: 'samples' | 'targets') =>
		(await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());

	it('creates the target and series and writes every row as imported', async () => {
		const csv = readFileSync('test/fixtures/realworld/dockerhub-kwdb-kwdb-pulls.csv', 'utf8');
		const result = await importSeriesCsv(database, ref('dockerhub:kwdb/kwdb:pulls'), csv);
		expect(result).toEqual({ ok: true, series: 'dockerhub:kwdb/kwdb:pulls', rows: 472, inserted: 472, updated: 0, unchanged: 0, keptObserved: 0 });
		const stored = await queryRows<{ provenance: string; n: number; unit: string; kind: string }>(
			database.db,
			sql`select s.provenance, count(*)::int as n, se.unit, se.kind from samples s join series se on se.id = s.series_id
				join targets t on t.id = se.target_id where t.source = 'dockerhub' and t.key = 'kwdb/kwdb'
				group by 1, 3, 4`
		);
		expect(stored).toEqual([{ provenance: 'imported', n: 472, unit: 'pulls', kind: 'counter' }]);
	});

	it('changes nothing when the same file is imported again', async () => {
		const csv = readFileSync('test/fixtures/realworld/dockerhub-kwdb-kwdb-pulls.csv', 'utf8');
		const samplesBefore = await count('samples');
		const result = await importSeriesCsv(database, ref('dockerhub:kwdb/kwdb:pulls'), csv);
		expect(result).toMatchObject({ ok: true, inserted: 0, updated: 0, unchanged: 472 });
		expect(await count('samples')).toBe(samplesBefore);
	});

	it('writes nothing, not even the target, when a line in the middle is bad', async () => {
		const lines = readFileSync('test/fixtures/realworld/github-moby-moby-stars.csv', 'utf8').trimEnd().split('\n');
		lines.splice(1200, 0, '2021-13-01,60000');
		const [samplesBefore, targetsBefore] = [await count('samples'), await count('targets')];
		const result = await importSeriesCsv(database, ref('github:moby/moby:stars'), lines.join('\n'));
		expect(result).toEqual({
			ok: false,
			kind: 'invalid',
			series: 'github:moby/moby:stars',
			problems: [{ line: 1201, message: expect.stringContaining('"2021-13-01"') }]
		});
		expect([await count('samples'), await count('targets')]).toEqual([samplesBefore, targetsBefore]);
	});

	it('rolls back the whole file when the database refuses part of it', async () => {
		// A series id that does not exist makes the insert fail after the target and series were written.
		const samplesBefore = await count('samples');
		const targetsBefore = await count('targets');
		await expect(
			database.db.transaction(async (tx) => {
				await tx.execute(sql`insert into targets (source, key, display_name) values ('github', 'half/written', 'x')`);
				await tx.execute(sql`insert into samples (series_id, ts, value, provenance) values (-1, now(), 1, 'imported')`);
			})
		).rejects.toThrow();
		expect([await count('samples'), await count('targets')]).toEqual([samplesBefore, targetsBefore]);
	});

	it('refuses to write into the reference source', async () => {
		const result = await importSeriesCsv(database, ref('reference:dockerhub:pulls'), 'ts,value\n2014-06-09,1\n');
		expect(result).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining('published figures only') }] });
	});

	it('judges the samples an import changed through the after-write hook, and nothing when none changed', async () => {
		const csv = 'ts,value\n2020-01-01,1\n';
		let kicks = 0;
		const kick = { kickDeliveries: () => void kicks++, maxSeriesPerRule: 10_000 };
		const first = await importSeries(database, ref('github:judged/repo:stars'), csv, kick);
		expect(first.result).toMatchObject({ ok: true, inserted: 1 });
		expect(await first.alerts).toMatchObject({ changes: [] });
		// Nothing was queued, so the delivery loop was not kicked.
		expect(kicks).toBe(0);
		const again = await importSeries(database, ref('github:judged/repo:stars'), csv, kick);
		expect(again.result).toMatchObject({ ok: true, inserted: 0, unchanged: 1 });
		expect(await again.alerts).toBeUndefined();
		const bad = await importSeries(database, ref('github:judged/repo:stars'), 'ts,value\nsoon,1\n', kick);
		expect(bad.result).toMatchObject({ ok: false });
		expect(await bad.alerts).toBeUndefined();
	});

	describe('rows that would corrupt the latest value', () => {
		const now = new Date('2026-12-01T09:00:00Z');
		const storedOf = (seriesId: number) =>
			queryRows<{ ts: string; value: number; provenance: string }>(
				database.db,
				sql`select to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as ts, value, provenance from samples
					where series_id = ${seriesId} order by ts`
			);

		it('refuses a file with a row more than a day in the future, naming its line, and writes nothing', async () => {
			const [samplesBefore, targetsBefore] = [await count('samples'), await count('targets')];
			const csv = 'ts,value\n2026-11-30,10\n2026-12-01,11\n2027-01-01,99\n';
			const result = await importSeriesCsv(database, ref('github:future/row:stars'), csv, { now });
			expect(result).toEqual({
				ok: false,
				kind: 'invalid',
				series: 'github:future/row:stars',
				problems: [{ line: 4, message: expect.stringContaining('"2027-01-01" is in the future') }]
			});
			expect([await count('samples'), await count('targets')]).toEqual([samplesBefore, targetsBefore]);
			// A day of slack for clocks and zones.
			const tomorrow = await importSeriesCsv(database, ref('github:future/row:stars'), 'ts,value\n2026-12-02T08:00:00Z,12\n', { now });
			expect(tomorrow).toMatchObject({ ok: true, inserted: 1 });
		});

		it("refuses negative values in a counter, by the catalog's kind or the stored series' kind", async () => {
			const csv = 'ts,value\n2020-01-01,3\n2020-01-02,-4\n';
			const counter = await importSeriesCsv(database, ref('dockerhub:negative/pulls:pulls'), csv, { now });
			expect(counter).toEqual({ ok: false, kind: 'invalid', series: 'dockerhub:negative/pulls:pulls', problems: [{ line: 3, message: '"-4" is negative, and the series is a counter' }] });
			// A metric the catalog does not know is a gauge, unless its series was created as a counter.
			expect(await importSeriesCsv(database, ref('github:negative/gauge:balance'), csv, { now })).toMatchObject({ ok: true, inserted: 2 });
			const targetId = await upsertTarget(database.db, { source: 'github', key: 'negative/stored', displayName: 'stored' });
			await upsertSeries(database.db, targetId, { metric: 'balance', unit: 'points', kind: 'counter' });
			expect(await importSeriesCsv(database, ref('github:negative/stored:balance'), csv, { now })).toMatchObject({ ok: false, problems: [{ line: 3 }] });
		});

		it('keeps an observed sample at the same instant, counts it as kept, and writes the other rows', async () => {
			const seriesId = await seedSeries(database.db, 'observed/wins', 'stars', [
				['2026-10-01T00:00:00Z', 100],
				['2026-10-03T00:00:00Z', 130]
			]);
			const csv = 'ts,value\n2026-10-01,90\n2026-10-02,120\n2026-10-03,130\n';
			const result = await importSeriesCsv(database, ref('github:observed/wins:stars'), csv, { now });
			expect(result).toEqual({ ok: true, series: 'github:observed/wins:stars', rows: 3, inserted: 1, updated: 0, unchanged: 0, keptObserved: 2 });
			expect(await storedOf(seriesId)).toEqual([
				{ ts: '2026-10-01T00:00', value: 100, provenance: 'observed' },
				{ ts: '2026-10-02T00:00', value: 120, provenance: 'imported' },
				{ ts: '2026-10-03T00:00', value: 130, provenance: 'observed' }
			]);
			const again = await importSeriesCsv(database, ref('github:observed/wins:stars'), csv, { now });
			expect(again).toMatchObject({ ok: true, inserted: 0, updated: 0, unchanged: 1, keptObserved: 2 });
		});
	});
});
