import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { parseSeriesQuery } from '../../src/lib/server/series/params.js';
import { readSeriesViews, type SeriesView } from '../../src/lib/server/series/read.js';
import { testBackends } from '../helpers/databases.js';
import { sql } from 'drizzle-orm';
import { readSeriesList, seedSeries } from '../helpers/samples.js';

describe.each(testBackends)('reading series on $name', (backend) => {
	let database: Database;

	const read = async (query: string): Promise<SeriesView> => (await readSeriesList(database.db, query))[0]!;

	beforeAll(async () => {
		database = await backend.open();
		// Samples on both sides of UTC bucket boundaries: a month end, a Sunday/Monday, a quarter and a year.
		await seedSeries(database.db, 'edge/buckets', 'stars', [
			['2019-12-31T23:59:59Z', 10],
			['2020-01-01T00:00:00Z', 11],
			['2020-01-31T23:59:59.999Z', 20],
			['2020-02-01T00:00:00Z', 21],
			['2020-02-02T12:00:00Z', 22], // Sunday
			['2020-02-03T00:00:00Z', 23], // Monday: a new ISO week
			['2020-03-31T23:00:00Z', 30],
			['2020-04-01T00:00:00Z', 40]
		]);
	});
	afterAll(() => database.close());

	it('reads raw samples in time order with their provenance mix', async () => {
		const view = await read('series=github:edge/buckets:stars');
		expect(view.points).toHaveLength(8);
		expect(view.points[0]).toEqual(['2019-12-31T23:59:59.000Z', 10]);
		expect(view.provenance).toEqual({ observed: 8 });
		expect(view).toMatchObject({ target: 'github:edge/buckets', metric: 'stars', kind: 'counter', isDownsampled: false });
	});

	it('buckets by UTC month, keeping the last value of each month at the month start', async () => {
		const view = await read('series=github:edge/buckets:stars&interval=month');
		expect(view.points).toEqual([
			['2019-12-01T00:00:00.000Z', 10],
			['2020-01-01T00:00:00.000Z', 20],
			['2020-02-01T00:00:00.000Z', 23],
			['2020-03-01T00:00:00.000Z', 30],
			['2020-04-01T00:00:00.000Z', 40]
		]);
	});

	it('buckets by ISO week (Monday), quarter, year and day', async () => {
		expect((await read('series=github:edge/buckets:stars&interval=week&from=2020-01-27&to=2020-02-09')).points).toEqual([
			['2020-01-27T00:00:00.000Z', 22],
			['2020-02-03T00:00:00.000Z', 23]
		]);
		expect((await read('series=github:edge/buckets:stars&interval=quarter')).points).toEqual([
			['2019-10-01T00:00:00.000Z', 10],
			['2020-01-01T00:00:00.000Z', 30],
			['2020-04-01T00:00:00.000Z', 40]
		]);
		expect((await read('series=github:edge/buckets:stars&interval=year')).points.map(([, v]) => v)).toEqual([10, 40]);
		expect((await read('series=github:edge/buckets:stars&interval=day&from=2020-01-31&to=2020-02-01')).points).toEqual([
			['2020-01-31T00:00:00.000Z', 20],
			['2020-02-01T00:00:00.000Z', 21]
		]);
	});

	it('treats from as inclusive and a date-only to as its whole day', async () => {
		const view = await read('series=github:edge/buckets:stars&from=2020-01-01&to=2020-01-31');
		expect(view.points.map(([, v]) => v)).toEqual([11, 20]);
		const instant = await read('series=github:edge/buckets:stars&from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z');
		expect(instant.points.map(([, v]) => v)).toEqual([11, 20, 21]);
	});

	it('measures the first delta and growth of a range from the sample before it', async () => {
		const delta = await read('series=github:edge/buckets:stars&interval=month&from=2020-02-01&transform=delta');
		expect(delta.points).toEqual([
			['2020-02-01T00:00:00.000Z', 3],
			['2020-03-01T00:00:00.000Z', 7],
			['2020-04-01T00:00:00.000Z', 10]
		]);
		const growth = await read('series=github:edge/buckets:stars&interval=month&transform=growth');
		expect(growth.points.map(([, v]) => (v === null ? null : Math.round(v * 100) / 100))).toEqual([null, 100, 15, 30.43, 33.33]);
		const index = await read('series=github:edge/buckets:stars&interval=month&from=2020-01-01&transform=index');
		expect(index.points.map(([, v]) => v)).toEqual([100, 115, 150, 200]);
	});

	it('thins a long series to the points asked for, keeping the last value', async () => {
		const start = Date.UTC(2015, 0, 1);
		const samples: [string, number][] = Array.from({ length: 3650 }, (_, i) => [
			new Date(start + i * 86_400_000).toISOString(),
			i * 10 + (i === 1234 ? 50_000 : 0)
		]);
		await seedSeries(database.db, 'long/history', 'stars', samples);
		const view = await read('series=github:long/history:stars&points=100');
		expect(view.points.length).toBeLessThanOrEqual(100);
		expect(view.pointCount).toBe(3650);
		expect(view.isDownsampled).toBe(true);
		expect(view.points.at(-1)).toEqual([samples.at(-1)![0].replace('Z', '').concat('Z'), 36_490]);
		expect(view.points.some(([, v]) => v === 62_340)).toBe(true);
	});

	it('reports every unknown series of a request', async () => {
		const result = await readSeriesViews(
			database.db,
			parseSeriesQuery(new URLSearchParams('series=github:edge/buckets:stars&series=github:no/such:stars&series=github:edge/buckets:forks'))
		);
		// No derived series among them: no reason beyond "unknown".
		expect(result).toEqual({ missing: ['github:no/such:stars', 'github:edge/buckets:forks'], reasons: [] });
	});

	it('gives each point its provenance and flags, a bucket carrying the flags of all its samples', async () => {
		const id = await seedSeries(database.db, 'edge/details', 'stars', [
			['2021-03-01T00:00:00Z', 100],
			['2021-03-02T00:00:00Z', 90],
			['2021-03-09T00:00:00Z', 95]
		]);
		await seedSeries(database.db, 'edge/details', 'stars', [['2021-02-20T00:00:00Z', 80]], 'reconstructed');
		await database.db.execute(sql`update samples set flags = '{decrease}' where series_id = ${id} and value = 90`);
		const raw = await read('series=github:edge/details:stars');
		expect(raw.pointProvenance).toEqual(['reconstructed', 'observed', 'observed', 'observed']);
		expect(raw.pointFlags).toEqual([[], [], ['decrease'], []]);
		const weekly = await read('series=github:edge/details:stars&interval=week');
		expect(weekly.points.map(([, v]) => v)).toEqual([80, 90, 95]);
		expect(weekly.pointFlags).toEqual([[], ['decrease'], []]);
		// The unflagged points share one frozen array (a page's data then sends it once); a flagged one has its own.
		expect(raw.pointFlags[0]).toBe(raw.pointFlags[3]);
		expect(Object.isFrozen(raw.pointFlags[0])).toBe(true);
		expect(Object.isFrozen(raw.pointFlags[2])).toBe(false);
	});

	it('smooths the transformed values with a trailing moving average', async () => {
		const view = await read('series=github:edge/buckets:stars&interval=month&transform=delta&smooth=2');
		// Monthly deltas are null (no baseline), 10, 3, 7, 10.
		expect(view.points.map(([, v]) => v)).toEqual([null, null, 6.5, 5, 8.5]);
	});
	describe('share of a basket and year over year', () => {
		const values = (view: SeriesView) => view.points.map(([, v]) => v);
		const readAll = (query: string) => readSeriesList(database.db, query);
		const basket = 'series=github:basket/a:stars&series=github:basket/b:stars&series=github:basket/c:stars&interval=day&transform=share';

		beforeAll(async () => {
			// c has no sample on 2 January: that day's sum is a's and b's, and says so.
			await seedSeries(database.db, 'basket/a', 'stars', [
				['2022-01-01T06:00:00Z', 10],
				['2022-01-01T18:00:00Z', 30],
				['2022-01-02T12:00:00Z', 50],
				['2022-01-03T12:00:00Z', 20]
			]);
			await seedSeries(database.db, 'basket/b', 'stars', [['2022-01-01T12:00:00Z', 10], ['2022-01-02T12:00:00Z', 50]]);
			await seedSeries(database.db, 'basket/c', 'stars', [['2022-01-01T12:00:00Z', 60], ['2022-01-03T12:00:00Z', 0]]);
			const monthly: [string, number][] = [];
			for (const year of [2020, 2021, 2022]) {
				for (let month = 1; month <= 12; month++) monthly.push([`${year}-${String(month).padStart(2, '0')}-15T00:00:00Z`, month * 10 * 2 ** (year - 2020)]);
			}
			await seedSeries(database.db, 'yoy/monthly', 'stars', monthly);
			await seedSeries(database.db, 'yoy/daily', 'stars', [
				['2023-02-28T12:00:00Z', 100],
				['2023-03-01T12:00:00Z', 0],
				['2024-02-28T12:00:00Z', 110],
				['2024-02-29T12:00:00Z', 120],
				['2024-03-01T12:00:00Z', 300],
				['2024-03-02T12:00:00Z', 300],
				['2025-02-28T12:00:00Z', 132]
			]);
		});

		it('gives each series its percent of the sum of the series with a value in the bucket, saying how many', async () => {
			const [a, b, c] = await readAll(basket);
			expect(values(a!)).toEqual([30, 50, 100]);
			expect(values(b!)).toEqual([10, 50]);
			expect(values(c!)).toEqual([60, 0]);
			expect(a!.pointBasketSize).toEqual([3, 2, 2]);
			expect(c!.pointBasketSize).toEqual([3, 2]);
			const [alone] = await readAll('series=github:basket/a:stars&interval=day&transform=share');
			expect(values(alone!)).toEqual([100, 100, 100]);
		});

		it('smooths shares, and limits the basket to the range', async () => {
			const [a] = await readAll(`${basket}&smooth=2`);
			expect(values(a!)).toEqual([null, 40, 75]);
			const [, b] = await readAll(`${basket}&from=2022-01-02`);
			expect(values(b!)).toEqual([50]);
		});

		it('refuses share and yoy at interval=raw, naming transform, and lists them among the transforms', () => {
			for (const transform of ['share', 'yoy']) {
				expect(() => parseSeriesQuery(new URLSearchParams(`series=github:basket/a:stars&transform=${transform}`))).toThrow(
					expect.objectContaining({ parameter: 'transform', reason: expect.stringContaining('interval=day') })
				);
			}
			expect(() => parseSeriesQuery(new URLSearchParams('series=github:basket/a:stars&transform=ratio'))).toThrow(
				expect.objectContaining({ parameter: 'transform', reason: 'expected one of value, delta, growth, index, share, yoy' })
			);
		});

		it('compares each month with the same month a year before, reading the year before the range', async () => {
			expect(values(await read('series=github:yoy/monthly:stars&interval=month&transform=yoy'))).toEqual([...Array(12).fill(null), ...Array(24).fill(100)]);
			const window = await read('series=github:yoy/monthly:stars&interval=month&transform=yoy&from=2022-03-10&to=2022-05-31');
			expect(window.points).toEqual([
				['2022-03-01T00:00:00.000Z', 100],
				['2022-04-01T00:00:00.000Z', 100],
				['2022-05-01T00:00:00.000Z', 100]
			]);
			expect(values(await read('series=github:yoy/monthly:stars&interval=year&transform=yoy&from=2021-06-01'))).toEqual([100, 100]);
			expect(values(await read('series=github:yoy/monthly:stars&interval=quarter&transform=yoy&from=2022-01-01'))).toEqual([100, 100, 100, 100]);
		});

		it('compares a day with the same calendar day a year before (29 February with 28 February), null on none or 0', async () => {
			const view = await read('series=github:yoy/daily:stars&interval=day&transform=yoy&from=2024-02-28');
			expect(view.points).toEqual([
				['2024-02-28T00:00:00.000Z', 10],
				['2024-02-29T00:00:00.000Z', 20],
				['2024-03-01T00:00:00.000Z', null],
				['2024-03-02T00:00:00.000Z', null],
				['2025-02-28T00:00:00.000Z', 20]
			]);
		});

		it('compares a week with the week 52 weeks before', async () => {
			// The week of 2025-02-24 (a Monday) ends on 132; 52 weeks before is the week of 2024-02-26, which ends on 300.
			const view = await read('series=github:yoy/daily:stars&interval=week&transform=yoy&from=2025-02-24');
			expect(view.points).toEqual([['2025-02-24T00:00:00.000Z', -56]]);
		});
	});
});
