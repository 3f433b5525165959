import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { listSeriesByRefs } from '../../src/lib/server/db/queries/targets.js';
import { getNewestSamples, listFirstValuesFrom, listValuesAt } from '../../src/lib/server/db/queries/values-at.js';
import { mobyCumulativeAuthors } from '../../src/lib/server/reference/moby-contributors.js';
import { loadReferenceDataset } from '../../src/lib/server/reference/load.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';

describe.each(testBackends)('values of many series at one instant on $name', (backend) => {
	let database: Database;
	let early: number;
	let late: number;
	let empty: number;

	beforeAll(async () => {
		database = await backend.open();
		early = await seedSeries(database.db, 'values/early', 'stars', [
			['2024-01-01T00:00:00Z', 10],
			['2024-06-01T00:00:00Z', 20],
			['2025-01-01T00:00:00Z', 30]
		]);
		late = await seedSeries(database.db, 'values/late', 'stars', [
			['2025-03-01T00:00:00Z', 500],
			['2025-04-01T12:00:00Z', 650]
		], 'imported');
		empty = await seedSeries(database.db, 'values/empty', 'stars', []);
	});
	afterAll(() => database.close());

	it('gives each series its nearest sample on or before the instant, a sample exactly at it included', async () => {
		const rows = await listValuesAt(database.db, [early, late], new Date('2024-06-01T00:00:00Z'));
		expect(rows).toEqual([{ seriesId: early, ts: new Date('2024-06-01T00:00:00Z'), value: 20, provenance: 'observed', note: null }]);
	});

	it('leaves out series with no sample on or before the instant, and keeps the order of the ids', async () => {
		const rows = await listValuesAt(database.db, [empty, late, early], new Date('2025-04-01T11:59:59Z'));
		expect(rows).toEqual([
			{ seriesId: late, ts: new Date('2025-03-01T00:00:00Z'), value: 500, provenance: 'imported', note: null },
			{ seriesId: early, ts: new Date('2025-01-01T00:00:00Z'), value: 30, provenance: 'observed', note: null }
		]);
	});

	it('gives nothing for no ids or unknown ids', async () => {
		expect(await listValuesAt(database.db, [], new Date())).toEqual([]);
		expect(await listValuesAt(database.db, [999_999], new Date())).toEqual([]);
	});

	it('finds the first sample on or after an instant, for series that start late', async () => {
		const rows = await listFirstValuesFrom(database.db, [early, late, empty], new Date('2024-12-31T00:00:00Z'));
		expect(rows.map((r) => [r.seriesId, r.ts.toISOString(), r.value])).toEqual([
			[early, '2025-01-01T00:00:00.000Z', 30],
			[late, '2025-03-01T00:00:00.000Z', 500]
		]);
	});

	it('reports the newest observed sample apart from the newest of any provenance', async () => {
		expect(await getNewestSamples(database.db)).toEqual({
			observed: new Date('2025-01-01T00:00:00Z'),
			any: new Date('2025-04-01T12:00:00Z')
		});
	});

	it('reads a month-end value from the end of its month on, never during the month it describes', async () => {
		await loadReferenceDataset(database.db);
		const [series] = await listSeriesByRefs(database.db, [{ source: 'import', key: 'moby-git-log', metric: 'contributors' }]);
		const moby = series!.id;
		// The 2015 report's window: the values at 2014-06-09 and 2015-06-22 are those at the ends of May.
		const [atJune2014] = await listValuesAt(database.db, [moby], new Date('2014-06-09T00:00:00Z'));
		const [atJune2015] = await listValuesAt(database.db, [moby], new Date('2015-06-22T00:00:00Z'));
		expect([atJune2014?.ts.toISOString(), atJune2014?.value]).toEqual(['2014-05-31T00:00:00.000Z', 525]);
		expect([atJune2015?.ts.toISOString(), atJune2015?.value]).toEqual(['2015-05-31T00:00:00.000Z', 1130]);
		// Mid-month, every month: the previous month's end value, not the month's own.
		for (const [i, [month]] of mobyCumulativeAuthors.entries()) {
			if (i === 0) continue;
			const [row] = await listValuesAt(database.db, [moby], new Date(`${month}-15T12:00:00Z`));
			expect(row?.value).toBe(mobyCumulativeAuthors[i - 1]![1]);
		}
	});
});
