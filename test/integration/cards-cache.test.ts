import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { readDataVersion } from '../../src/lib/server/db/queries/data-version.js';
import type { ResolvedWindow } from '../../src/lib/server/metrics/growth.js';
import { buildHeadlineCards, listFeaturedRecords } from '../../src/lib/server/overview/cards.js';
import { listHeadlineCardsCached } from '../../src/lib/server/overview/cards-cache.js';
import { parseSeriesRef, type SeriesRef } from '../../src/lib/refs.js';
import { testBackends } from '../helpers/databases.js';
import { defineSeries, insertSamples, seedSeries } from '../helpers/samples.js';

/**
 * The overview's headline cards kept between page views: the same cards as building them afresh for
 * every window that slides with the clock (edges, sparklines, milestone ETAs), taken from the cache
 * until an edge passes a stored sample of a featured series or a write lands.
 */

const hour = 3_600_000;
const base = Date.UTC(2025, 0, 1);
const at = (hours: number) => new Date(base + hours * hour);
const windowOf = (startHours: number, lengthHours: number): ResolvedWindow => ({ spec: { kind: '30d' }, start: at(startHours), end: at(startHours + lengthHours) });
const refOf = (key: string): SeriesRef => {
	const parsed = parseSeriesRef(`github:${key}:stars`);
	if (!parsed.ok) throw new Error(`bad test ref ${key}`);
	return parsed.value;
};

describe.each(testBackends)('headline cards kept between page views on $name', (backend) => {
	let database: Database;
	// PostgreSQL's snapshot is the whole server's: other files' commits can make any two reads a miss,
	// so there only the answers are compared, not whether they came from the cache (as for the movers).
	const isVersionOwn = backend.name === 'pglite';
	const fresh = async (featured: SeriesRef[], window: ResolvedWindow) => buildHeadlineCards(database.db, await listFeaturedRecords(database.db, featured), window);
	const cached = async (featured: SeriesRef[], window: ResolvedWindow) =>
		listHeadlineCardsCached(database.db, featured, window, await readDataVersion(database.db));

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database?.close());

	it('serves a sliding window from the cache until its start passes a sample, and follows a write', async () => {
		const featured = [refOf('cards-cache/a')];
		const daily = Array.from({ length: 60 }, (_, i): [string, number] => [at(i * 24).toISOString(), 1_000 + i * 10]);
		const a = await seedSeries(database.db, 'cards-cache/a', 'stars', daily);
		const first = await cached(featured, windowOf(2, 30 * 24));
		expect(first).toEqual(await fresh(featured, windowOf(2, 30 * 24)));
		expect(first).toHaveLength(1);
		// An hour later the window's edges have passed no sample: the very same cards.
		const slid = await cached(featured, windowOf(3, 30 * 24));
		if (isVersionOwn) expect(slid).toBe(first);
		else expect(slid).toEqual(first);
		// Past the sample of day 1 the base is 1,010: built afresh, and right.
		const later = await cached(featured, windowOf(25, 30 * 24));
		expect(later).not.toBe(first);
		expect(later).toEqual(await fresh(featured, windowOf(25, 30 * 24)));
		expect(later[0]).toMatchObject({ state: 'growth', base: { value: 1_010 } });
		// A sample written at the end of the window makes a new data version: never the old cards.
		await insertSamples(database.db, a, [[at(745).toISOString(), 5_000]]);
		const written = await cached(featured, windowOf(26, 30 * 24));
		expect(written).toEqual(await fresh(featured, windowOf(26, 30 * 24)));
		expect(written[0]!.state === 'growth' && written[0]!.latest.value).toBe(5_000);
		await database.db.execute(sql`delete from targets where key like 'cards-cache/%'`);
	});

	it('builds the cards afresh when the end passes a sample, and when a new day begins', async () => {
		// A sample at 12:00 on each of days 441-470 and nothing before: a window ending on day 470
		// passes none from 05:00 to 11:00 (its start, on day 440, has none to pass).
		const samples = Array.from({ length: 30 }, (_, i): [string, number] => [at((441 + i) * 24 + 12).toISOString(), 1_000 + 10 * i]);
		await insertSamples(database.db, await defineSeries(database.db, 'cards-cache/edges', 'stars'), samples);
		const featured = [refOf('cards-cache/edges')];
		const ending = (endHours: number) => windowOf(endHours - 30 * 24, 30 * 24);
		const first = await cached(featured, ending(470 * 24 + 5));
		const same = await cached(featured, ending(470 * 24 + 11));
		if (isVersionOwn) expect(same).toBe(first);
		expect(same).toEqual(await fresh(featured, ending(470 * 24 + 11)));
		// 13:00: the end passed day 470's sample.
		const endPassed = await cached(featured, ending(470 * 24 + 13));
		expect(endPassed).toEqual(await fresh(featured, ending(470 * 24 + 13)));
		expect(first[0]!.state === 'growth' && first[0]!.latest.value).toBe(1_280);
		expect(endPassed[0]!.state === 'growth' && endPassed[0]!.latest.value).toBe(1_290);
		// Past midnight no sample was passed, but the explorer links name the new days.
		const nextDay = await cached(featured, ending(471 * 24 + 1));
		expect(nextDay).toEqual(await fresh(featured, ending(471 * 24 + 1)));
		expect(nextDay[0]!.exploreHref).toContain('to=2026-04-17');
		await database.db.execute(sql`delete from targets where key like 'cards-cache/%'`);
	});

	it('answers every window of a slide as a fresh build would, sparklines and milestone ETAs included (property)', async () => {
		// Each series: a sample on most, some or few of 500 days, at midnight or noon, growing by about 300 a
		// day (dense enough for milestone ETAs); windows start on the hour and slide by multiples of 6
		// hours, so their edges often fall exactly on samples.
		const history = fc.record({ seed: fc.integer({ min: 1, max: 2 ** 30 }), density: fc.constantFrom(0.05, 0.2, 0.9) });
		const series = fc.array(history, { minLength: 1, maxLength: 3 });
		// A few days, a month or a year, and up to 18 hours more, so that the edges pass samples apart.
		const lengths = fc.tuple(fc.constantFrom(3 * 24, 30 * 24, 365 * 24), fc.integer({ min: 0, max: 3 })).map(([days, sixths]) => days + sixths * 6);
		const slides = fc.array(fc.integer({ min: 0, max: 4 }).map((n) => n * 6), { minLength: 1, maxLength: 8 });
		await fc.assert(
			fc.asyncProperty(series, fc.integer({ min: 380 * 24, max: 470 * 24 }), lengths, slides, async (histories, startHours, lengthHours, steps) => {
				await database.db.execute(sql`delete from targets where key like 'cards-cache/%'`);
				const featured: SeriesRef[] = [];
				for (const [index, { seed, density }] of histories.entries()) {
					let state = seed;
					const random = () => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647;
					const samples: [string, number][] = [];
					for (let dayIndex = 0, value = 10_000; dayIndex < 500; dayIndex++) {
						value += Math.round(200 + random() * 200);
						if (random() < density) samples.push([at(dayIndex * 24 + (random() < 0.5 ? 0 : 12)).toISOString(), value]);
					}
					await insertSamples(database.db, await defineSeries(database.db, `cards-cache/p${index}`, 'stars'), samples);
					featured.push(refOf(`cards-cache/p${index}`));
				}
				let start = startHours;
				for (const step of steps) {
					start += step;
					const window = windowOf(start, lengthHours);
					expect(await cached(featured, window)).toEqual(await fresh(featured, window));
				}
			}),
			{ numRuns: 25, seed: 20_261_202 }
		);
		await database.db.execute(sql`delete from targets where key like 'cards-cache/%'`);
	});
});
