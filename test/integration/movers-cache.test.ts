import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { listMovers, type MoversSpec } from '../../src/lib/server/db/queries/movers.js';
import { listMoversCached } from '../../src/lib/server/overview/movers-cache.js';
import { testBackends } from '../helpers/databases.js';
import { insertSamples, seedSeries } from '../helpers/samples.js';

/**
 * The overview's movers kept between page views: the same answer as computing them afresh for every
 * window that slides with the clock, taken from the cache until the window passes a stored sample or a
 * write lands.
 */

const hour = 3_600_000;
const base = Date.UTC(2026, 0, 1);
const at = (hours: number) => new Date(base + hours * hour);
const spec = (startHours: number, lengthHours: number): MoversSpec => ({ start: at(startHours), end: at(startHours + lengthHours), minBase: 1, limit: 3 });

describe.each(testBackends)('movers kept between page views on $name', (backend) => {
	let database: Database;
	// Whether the data version moves only with this database's writes. PostgreSQL's snapshot is the
	// whole server's: other test files committing on it can make any two reads here a miss, so there
	// only the answers are compared, not whether they came from the cache.
	const isVersionOwn = backend.name === 'pglite';

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database?.close());

	it('serves a sliding window from the cache until its start passes a sample, then recomputes', async () => {
		const a = await seedSeries(database.db, 'movers-cache/a', 'stars', [[at(0).toISOString(), 100], [at(10).toISOString(), 150], [at(20).toISOString(), 400]]);
		await seedSeries(database.db, 'movers-cache/b', 'stars', [[at(0).toISOString(), 100], [at(20).toISOString(), 300]]);
		const first = await listMoversCached(database.db, spec(1, 20));
		expect(first).toEqual(await listMovers(database.db, spec(1, 20)));
		// Sliding by an hour passes no sample: the very same rows.
		const slid = await listMoversCached(database.db, spec(2, 20));
		if (isVersionOwn) expect(slid).toBe(first);
		else expect(slid).toEqual(first);
		// Past a's sample at hour 10, a's base is 150, not 100: computed afresh, and right.
		const later = await listMoversCached(database.db, spec(11, 20));
		expect(later).not.toBe(first);
		expect(later).toEqual(await listMovers(database.db, spec(11, 20)));
		expect(later.find((r) => r.seriesId === a && r.ranking === 'change')?.base.value).toBe(150);
		// A write makes a new data version: never the old answer.
		await insertSamples(database.db, a, [[at(21).toISOString(), 900]]);
		const written = await listMoversCached(database.db, spec(12, 20));
		expect(written.find((r) => r.seriesId === a && r.ranking === 'change')?.latest.value).toBe(900);
		// Views arriving together on a cold cache share one ranking.
		await insertSamples(database.db, a, [[at(22).toISOString(), 950]]);
		const [one, other] = await Promise.all([listMoversCached(database.db, spec(12, 22)), listMoversCached(database.db, spec(12, 22))]);
		if (isVersionOwn) expect(one).toBe(other);
		expect(one).toEqual(await listMovers(database.db, spec(12, 22)));
		await database.db.execute(sql`delete from targets where key like 'movers-cache/%'`);
	});

	it('answers every window of a slide as a fresh computation would (property)', async () => {
		const series = fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 1_000 })), { minLength: 1, maxLength: 8 }), {
			minLength: 1,
			maxLength: 5
		});
		const slides = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 8 });
		await fc.assert(
			fc.asyncProperty(series, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 30 }), slides, async (samples, startHours, lengthHours, steps) => {
				await database.db.execute(sql`delete from targets where key like 'movers-cache/%'`);
				for (const [index, points] of samples.entries()) {
					const unique = new Map(points.map(([h, v]) => [h, v]));
					await seedSeries(database.db, `movers-cache/p${index}`, 'stars', [...unique].map(([h, v]): [string, number] => [at(h).toISOString(), v]));
				}
				let start = startHours;
				for (const step of steps) {
					start += step;
					const window = spec(start, lengthHours);
					expect(await listMoversCached(database.db, window)).toEqual(await listMovers(database.db, window));
				}
			}),
			{ numRuns: 15, seed: 20_261_202 }
		);
	});
});
