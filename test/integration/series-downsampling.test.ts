import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { computePixelWidthMs, selectMinMaxIndices } from '../../src/lib/server/metrics/downsample.js';
import type { SeriesView } from '../../src/lib/server/series/read.js';
import { testBackends } from '../helpers/databases.js';
import { defineSeries, insertSamples, readSeriesList, seedSeries } from '../helpers/samples.js';

const hourMs = 3_600_000;
// The property test's draws are fixed, so that its coverage checks (enough series on each path) hold on
// every run: a free seed drew only 4 SQL-thinned series of 20 now and then. DOWNSAMPLING_SEED explores.
const propertySeed = Number(process.env.DOWNSAMPLING_SEED ?? 20_261_202);

/** What /api/series draws of a point: its time, value, provenance and flags. */
function pointsOf(view: SeriesView, indices: readonly number[] = view.points.map((_, i) => i)) {
	return indices.map((i) => ({ point: view.points[i], provenance: view.pointProvenance[i], flags: view.pointFlags[i] }));
}

/**
 * The SQL thinning restated over the whole window: per pixel of the epoch-aligned grid the earliest
 * lowest and the earliest highest point, with the first and the last; indices in time order.
 */
function selectPixelExtremes(values: readonly [number, number][], maxPoints: number): number[] {
	const widthMs = computePixelWidthMs(values.at(-1)![0] - values[0]![0], maxPoints);
	const byPixel = new Map<number, { low: number; high: number }>();
	values.forEach(([t, v], i) => {
		const pixel = Math.floor(t / widthMs);
		const kept = byPixel.get(pixel);
		if (!kept) byPixel.set(pixel, { low: i, high: i });
		else {
			if (v < values[kept.low]![1]) kept.low = i;
			if (v > values[kept.high]![1]) kept.high = i;
		}
	});
	const keep = new Set([0, values.length - 1, ...[...byPixel.values()].flatMap((k) => [k.low, k.high])]);
	return [...keep].sort((a, b) => a - b);
}

const numbersOf = (view: SeriesView): [number, number][] => view.points.map(([iso, v]) => [Date.parse(iso), v!]);

describe.each(testBackends)('downsampling long windows in SQL on $name', (backend) => {
	let database: Database;
	/** The whole year as it is read unthinned (points=10000). */
	let whole: SeriesView;
	const start = Date.UTC(2024, 0, 1);
	// A year of hourly samples: imported for the first 3,000 hours, observed after; the global maximum
	// at hour 4,000 and the global minimum at hour 6,000 are neither the first nor the last.
	const hourly: [string, number][] = Array.from({ length: 8_760 }, (_, i) => [
		new Date(start + i * hourMs).toISOString(),
		i === 6_000 ? 0 : 1_000_000 + i * 10 + ((i * 7_919) % 101) + (i === 4_000 ? 5_000_000 : 0)
	]);

	const read = async (query: string): Promise<SeriesView> => (await readSeriesList(database.db, query))[0]!;

	beforeAll(async () => {
		database = await backend.open();
		const id = await defineSeries(database.db, 'long/hourly', 'stars');
		await insertSamples(database.db, id, hourly.slice(0, 3_000), 'imported');
		await insertSamples(database.db, id, hourly.slice(3_000), 'observed');
		// Flags on the maximum and on a sample no pixel keeps, for both ends of the comparison.
		await database.db.execute(sql`update samples set flags = '{jump}' where series_id = ${id} and ts in (${hourly[4_000]![0]}::timestamptz, ${hourly[4_001]![0]}::timestamptz)`);
		whole = await read('series=github:long/hourly:stars&points=10000');
	});
	afterAll(() => database.close());

	it('draws a year of hourly samples at points=1000 from at most 1,000 rows, keeping first, last, minimum and maximum', async () => {
		const view = await read('series=github:long/hourly:stars&points=1000');
		expect(whole.isDownsampled).toBe(false);
		expect(view.points.length).toBeLessThanOrEqual(1_000);
		expect(view.points.length).toBeGreaterThan(900);
		expect(view).toMatchObject({ pointCount: 8_760, isDownsampled: true, provenance: { imported: 3_000, observed: 5_760 } });
		expect(Object.keys(view.provenance)).toEqual(['imported', 'observed']);
		for (const i of [0, 4_000, 6_000, 8_759]) expect(view.points).toContainEqual(whole.points[i]);
		expect(view.pointFlags[view.points.findIndex(([iso]) => iso === hourly[4_000]![0])]).toEqual(['jump']);
		// Every point drawn is a sample of the window, with its own provenance and flags.
		const byTime = new Map(pointsOf(whole).map((p) => [p.point![0], p]));
		expect(pointsOf(view)).toEqual(view.points.map(([iso]) => byTime.get(iso)));
		expect(pointsOf(view)).toEqual(pointsOf(whole, selectPixelExtremes(numbersOf(whole), 1_000)));
	});

	it('indexes the kept samples against the first one, as the whole read does', async () => {
		const view = await read('series=github:long/hourly:stars&points=1000&transform=index');
		const first = whole.points[0]![1]!;
		const kept = selectPixelExtremes(numbersOf(whole), 1_000);
		expect(view.points).toEqual(kept.map((i) => [whole.points[i]![0], (whole.points[i]![1]! * 100) / first]));
		expect(view.points[0]![1]).toBe(100);
	});

	it('thins a transform that needs neighbouring samples from the whole window, as before', async () => {
		const view = await read('series=github:long/hourly:stars&points=1000&transform=delta');
		const deltas = await read('series=github:long/hourly:stars&points=10000&transform=delta');
		expect(view.pointCount).toBe(8_760);
		expect(pointsOf(view)).toEqual(pointsOf(deltas, selectMinMaxIndices(deltas.points.map(([iso, v]) => [Date.parse(iso), v]), 1_000)));
	});

	it('thins daily buckets in SQL, each with the flags of its samples and the anomalies of the whole range', async () => {
		const view = await read('series=github:long/hourly:stars&interval=day&points=100');
		const whole = await read('series=github:long/hourly:stars&interval=day&points=10000');
		expect(whole.pointCount).toBe(365);
		expect(view).toMatchObject({ pointCount: 365, isDownsampled: true, provenance: whole.provenance });
		expect(view.points.length).toBeLessThanOrEqual(100);
		expect(view.anomalies).toEqual(whole.anomalies);
		expect(pointsOf(view)).toEqual(pointsOf(whole, selectPixelExtremes(numbersOf(whole), 100)));
	});

	it('leaves a window of up to twice the points to the JavaScript thinning, unchanged, and thins one more in SQL', async () => {
		const twice = await read('series=github:long/hourly:stars&points=100&to=2024-01-09T07:00:00Z');
		const whole = await read('series=github:long/hourly:stars&points=10000&to=2024-01-09T07:00:00Z');
		expect(whole.pointCount).toBe(200);
		expect(twice).toEqual({ ...whole, isDownsampled: true, ...pick(whole, selectMinMaxIndices(numbersOf(whole), 100)) });
		const more = await read('series=github:long/hourly:stars&points=100&to=2024-01-09T08:00:00Z');
		const wholeMore = await read('series=github:long/hourly:stars&points=10000&to=2024-01-09T08:00:00Z');
		expect(more).toEqual({ ...wholeMore, isDownsampled: true, ...pick(wholeMore, selectPixelExtremes(numbersOf(wholeMore), 100)) });
	});

	it('matches the whole read thinned pixel by pixel, for any series, interval and points (property)', async () => {
		let run = 0;
		const thinnedIn = { sql: 0, javascript: 0 };
		// Few distinct values, so that pixels hold ties (the earliest of equal extremes is kept).
		const sample = fc.record({ gapMs: fc.integer({ min: 1, max: 3 * 86_400_000 }), value: fc.integer({ min: 0, max: 20 }) });
		// An explicit length: fast-check's arrays are short by default, below every threshold.
		const series = fc.integer({ min: 1, max: 300 }).chain((length) => fc.array(sample, { minLength: length, maxLength: length }));
		await fc.assert(
			fc.asyncProperty(
				series,
				fc.integer({ min: 10, max: 60 }),
				fc.constantFrom('raw', 'day', 'week'),
				fc.nat(),
				async (samples, points, interval, importedShare) => {
					const key = `property/${run++}`;
					let t = Date.UTC(2020, 0, 1);
					const rows = samples.map((s): [string, number] => [new Date((t += s.gapMs)).toISOString(), s.value]);
					const imported = importedShare % (rows.length + 1);
					if (imported > 0) await seedSeries(database.db, key, 'stars', rows.slice(0, imported), 'imported');
					if (imported < rows.length) await seedSeries(database.db, key, 'stars', rows.slice(imported), 'observed');
					const query = `series=github:${key}:stars&interval=${interval}`;
					const view = await read(`${query}&points=${points}`);
					const whole = await read(`${query}&points=10000`);
					expect(view.points.length).toBeLessThanOrEqual(points);
					expect(view.pointCount).toBe(whole.pointCount);
					expect(view.provenance).toEqual(whole.provenance);
					const isSqlThinned = whole.pointCount > 2 * points;
					thinnedIn[isSqlThinned ? 'sql' : 'javascript']++;
					const kept = (isSqlThinned ? selectPixelExtremes : selectMinMaxIndices)(numbersOf(whole), points);
					expect(pointsOf(view)).toEqual(pointsOf(whole, kept));
				}
			),
			{ numRuns: 20, seed: propertySeed }
		);
		expect(thinnedIn.sql).toBeGreaterThanOrEqual(5);
		expect(thinnedIn.javascript).toBeGreaterThanOrEqual(1);
	});
});

/** The per-point arrays of `view` at `indices`, as a thinned answer carries them. */
function pick(view: SeriesView, indices: readonly number[]): Pick<SeriesView, 'points' | 'pointProvenance' | 'pointFlags'> {
	return {
		points: indices.map((i) => view.points[i]!),
		pointProvenance: indices.map((i) => view.pointProvenance[i]!),
		pointFlags: indices.map((i) => view.pointFlags[i]!)
	};
}
