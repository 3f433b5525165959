import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeriesRef, type SeriesRef } from '../../src/lib/refs.js';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { loadConfig } from '../../src/lib/server/config.js';
import { importSeriesCsv } from '../../src/lib/server/import/import-csv.js';
import { importSeries } from '../../src/lib/server/import/import-series.js';
import { testBackends } from '../helpers/databases.js';

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
		expect(result).toEqual({ ok: true, series: 'dockerhub:kwdb/kwdb:pulls', rows: 472, inserted: 472, updated: 0, unchanged: 0 });
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
		const config = loadConfig({});
		const csv = 'ts,value\n2020-01-01,1\n';
		const first = await importSeries(database, config, ref('github:judged/repo:stars'), csv);
		expect(first.result).toMatchObject({ ok: true, inserted: 1 });
		expect(await first.alerts).toMatchObject({ evaluation: { changes: [] }, delivery: { sent: 0 } });
		const again = await importSeries(database, config, ref('github:judged/repo:stars'), csv);
		expect(again.result).toMatchObject({ ok: true, inserted: 0, unchanged: 1 });
		expect(await again.alerts).toBeUndefined();
		const bad = await importSeries(database, config, ref('github:judged/repo:stars'), 'ts,value\nsoon,1\n');
		expect(bad.result).toMatchObject({ ok: false });
		expect(await bad.alerts).toBeUndefined();
	});
});
