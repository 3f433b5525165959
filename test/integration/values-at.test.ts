import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { getNewestSamples, listFirstValuesFrom, listValuesAt } from '../../src/lib/server/db/queries/values-at.js';
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
});
