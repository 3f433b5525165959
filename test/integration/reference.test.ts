import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { loadReferenceDataset } from '../../src/lib/server/reference/load.js';
import { testBackends } from '../helpers/databases.js';
import { readSeriesList } from '../helpers/samples.js';

describe.each(testBackends)('reference dataset on $name', (backend) => {
	let database: Database;
	const read = (query: string) => readSeriesList(database.db, query);

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());

	it('loads once: a second load writes nothing new', async () => {
		const first = await loadReferenceDataset(database.db);
		expect(first.inserted).toBeGreaterThan(50);
		const snapshot = sql`select (select count(*) from targets)::int as targets, (select count(*) from series)::int as series,
			(select count(*) from samples)::int as samples`;
		const before = await queryRows(database.db, snapshot);
		const second = await loadReferenceDataset(database.db);
		expect(second).toEqual({ inserted: 0, updated: 0, unchanged: first.inserted, keptObserved: 0 });
		expect(await queryRows(database.db, snapshot)).toEqual(before);
	});

	it('holds the published figures with their citations', async () => {
		const rows = await queryRows<{ metric: string; day: string; value: number; provenance: string; note: string }>(
			database.db,
			sql`select se.metric, to_char(s.ts, 'YYYY-MM-DD') as day, s.value, s.provenance, s.note
				from samples s join series se on se.id = s.series_id join targets t on t.id = se.target_id
				where t.source = 'reference' order by se.metric, s.ts`
		);
		const figures = rows.map((r) => `${r.metric} ${r.day} ${r.value}`);
		expect(figures).toEqual(
			expect.arrayContaining([
				'pulls 2014-06-09 2750000',
				'pulls 2015-06-22 500000000',
				'repositories 2014-06-09 14500',
				'repositories 2015-06-22 150000',
				'contributors 2014-06-09 460',
				'contributors 2015-06-22 1302',
				'projects 2014-06-09 6700',
				'users 2015-06-22 240000'
			])
		);
		for (const row of rows) {
			expect(row.provenance).toBe('reference');
			expect(row.note).toMatch(/DockerCon|derived/);
		}
	});

	it('reproduces the published growth: pulls +18,082% and repositories +934%', async () => {
		const [pulls, repositories] = await read('series=reference:dockerhub:pulls&series=reference:dockerhub:repositories&transform=growth');
		expect(Math.round(pulls!.points[1]![1]!)).toBe(18_082);
		expect(Math.round(repositories!.points[1]![1]!)).toBe(934);
	});

	it('shows the measured moby contributors beside the published +183%: +132% from 2014-03 to 2015-03', async () => {
		const [measured] = await read('series=import:moby-git-log:contributors&from=2014-03-01&to=2015-03-31&interval=month');
		const values = measured!.points.map(([, v]) => v!);
		expect([values[0], values.at(-1)]).toEqual([445, 1032]);
		expect(Math.round((values.at(-1)! / values[0]! - 1) * 100)).toBe(132);
		expect(measured!.provenance).toEqual({ imported: 13 });
		expect(measured!.note).toContain('git log');
	});
});
