import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHealthView } from '../../jobs/health/summary.js';
import { listScheduledJobs } from '../../jobs/scheduler.js';
import { loadConfig } from '../../src/lib/server/config.js';
import { defaultCounterConfig } from '../../src/lib/server/config-counters.js';
import { queryRows, type Db, type Database } from '../../src/lib/server/db/client.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import type { Provenance } from '../../src/lib/server/db/schema/index.js';
import { refreshCounterFlags } from '../../src/lib/server/flags/refresh.js';
import { compactObservedSamples, computeCompactionCutoff } from '../../src/lib/server/retention/compact.js';
import { getLastCompaction } from '../../src/lib/server/retention/status.js';
import { parseSeriesQuery } from '../../src/lib/server/series/params.js';
import { readSeriesViews, type SeriesView } from '../../src/lib/server/series/read.js';
import { testBackends } from '../helpers/databases.js';
import { createRandom } from '../helpers/synthetic-counter.js';

/**
 * Compaction of observed samples older than RAW_RETENTION_DAYS to one per UTC day: reads at day and
 * coarser answer the same before and after, raw reads say where raw data ends, other provenances and
 * series_latest are left alone, and a second pass changes nothing.
 */

const hour = 3_600_000;
const day = 24 * hour;
const now = new Date('2024-05-20T12:00:00Z');
const rawDays = 90;
const cutoff = computeCompactionCutoff(now, rawDays);

interface StoredSample {
	tMs: number;
	value: number;
	provenance: Provenance;
	flags: string[];
	note: string | null;
}

async function listStored(db: Db, seriesId: number): Promise<StoredSample[]> {
	const rows = await queryRows<{ t_ms: number; value: number; provenance: Provenance; flags: string[]; note: string | null }>(
		db,
		sql`select (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance, flags, note from samples where series_id = ${seriesId} order by ts`
	);
	return rows.map((r) => ({ tMs: Number(r.t_ms), value: Number(r.value), provenance: r.provenance, flags: r.flags, note: r.note }));
}

async function listLatest(db: Db) {
	return queryRows(db, sql`select series_id, (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance, flags from series_latest order by series_id`);
}

/**
 * What compaction must leave, computed apart from the SQL: before the end (the cutoff, or the day of
 * the latest sample if earlier), each run of observed samples of a UTC day (split by samples of other
 * provenances) becomes its last sample carrying the run's flags, each once, in first-seen order.
 */
function modelCompaction(rows: readonly StoredSample[], cutoffMs: number): StoredSample[] {
	const latestDayMs = rows.length === 0 ? cutoffMs : Math.floor(rows.at(-1)!.tMs / day) * day;
	const endMs = Math.min(cutoffMs, latestDayMs);
	const kept: StoredSample[] = [];
	let run: StoredSample[] = [];
	const closeRun = () => {
		if (run.length === 0) return;
		kept.push({ ...run.at(-1)!, flags: [...new Set(run.flatMap((r) => r.flags))] });
		run = [];
	};
	for (const row of rows) {
		if (run.length > 0 && Math.floor(row.tMs / day) !== Math.floor(run[0]!.tMs / day)) closeRun();
		if (row.tMs < endMs && row.provenance === 'observed') {
			run.push(row);
			continue;
		}
		closeRun();
		kept.push(row);
	}
	closeRun();
	return kept;
}

function hourly(fromIso: string, toIso: string, valueAt: (tMs: number, i: number) => number) {
	const rows: { ts: Date; value: number }[] = [];
	for (let t = Date.parse(fromIso), i = 0; t < Date.parse(toIso); t += hour, i++) rows.push({ ts: new Date(t), value: valueAt(t, i) });
	return rows;
}

async function addSeries(db: Db, key: string, metric: string, kind: 'counter' | 'gauge' = 'counter'): Promise<number> {
	const targetId = await upsertTarget(db, { source: 'github', key, displayName: key });
	return upsertSeries(db, targetId, { metric, unit: metric, kind });
}

const write = (db: Db, seriesId: number, provenance: Provenance, rows: { ts: Date; value: number }[]) =>
	db.transaction((tx) => upsertSamples(tx, seriesId, provenance, rows));

describe.each(testBackends)('compacting old samples on $name', (backend) => {
	let database: Database;
	const ids: Record<string, number> = {};
	const refs = {
		pulls: 'github:compact/pulls:pulls',
		mixed: 'github:compact/mixed:stars',
		gauge: 'github:compact/gauge:open_issues',
		stopped: 'github:compact/stopped:forks',
		recent: 'github:compact/recent:stars'
	};
	const before = new Map<string, SeriesView[]>();
	const storedBefore = new Map<string, StoredSample[]>();
	let latestBefore: unknown[];
	const bucketedQueries = [
		...['day', 'week', 'month', 'quarter', 'year'].map((interval) => `interval=${interval}`),
		'interval=day&transform=delta',
		'interval=week&transform=growth&from=2024-01-17T13:00:00Z&to=2024-03-10',
		'interval=day&transform=share',
		'interval=month&transform=yoy&from=2024-02-01',
		'interval=day&smooth=7&from=2024-02-10&to=2024-02-28'
	];

	async function read(query: string): Promise<SeriesView[]> {
		const params = new URLSearchParams(`${query}&points=10000`);
		for (const ref of Object.values(refs)) params.append('series', ref);
		const result = await readSeriesViews(database.db, parseSeriesQuery(params));
		if (!('series' in result)) throw new Error(`missing ${result.missing.join(', ')}`);
		return result.series;
	}

	beforeAll(async () => {
		database = await backend.open();
		const db = database.db;
		const random = createRandom(13);
		// Pulls: growth, a flat stretch of days (stall) around the cutoff and one in January, a dip
		// within a day (decrease), a jump; a collector's `capped` on some mornings.
		let pulls = 1_000_000;
		ids.pulls = await addSeries(db, 'compact/pulls', 'pulls');
		await write(db, ids.pulls, 'observed', hourly('2024-01-01', '2024-04-01', (t, i) => {
			const isFlat = (t >= Date.parse('2024-01-20') && t < Date.parse('2024-01-25')) || (t >= Date.parse('2024-02-17') && t < Date.parse('2024-02-23'));
			if (i === 700) pulls *= 3;
			if (isFlat) return pulls;
			pulls += Math.floor(random() * 900);
			return i % 97 === 50 ? pulls - 5_000 : pulls;
		}));
		await db.execute(sql`update samples set flags = flags || '{capped}'::text[]
			where series_id = ${ids.pulls} and extract(hour from ts) = 7 and ts < '2024-03-20'`);
		// Stars: a rebuilt history, then observed hourly, with imported figures inside some days.
		ids.mixed = await addSeries(db, 'compact/mixed', 'stars');
		await write(db, ids.mixed, 'reconstructed', Array.from({ length: 60 }, (_, d) => ({ ts: new Date(Date.parse('2023-11-11') + d * day), value: 100 + d })));
		let stars = 200;
		await write(db, ids.mixed, 'observed', hourly('2024-01-10', '2024-04-01', () => (stars += random() < 0.1 ? -1 : Math.floor(random() * 3))));
		const imported = Array.from({ length: 30 }, (_, k) => ({ ts: new Date(Date.parse('2024-01-12T10:30:00Z') + k * 2 * day + [0, 6, 13][k % 3]! * hour), value: 150 + k }));
		await write(db, ids.mixed, 'imported', imported);
		let issues = 40;
		ids.gauge = await addSeries(db, 'compact/gauge', 'open_issues', 'gauge');
		await write(db, ids.gauge, 'observed', hourly('2024-01-01', '2024-04-01', () => (issues = Math.max(0, issues + Math.floor(random() * 5) - 2))));
		// Collection stopped before the cutoff: its last day stays as it is, and so does series_latest.
		ids.stopped = await addSeries(db, 'compact/stopped', 'forks');
		await write(db, ids.stopped, 'observed', hourly('2024-01-01', '2024-02-10T15:00:00Z', (_, i) => 10 + Math.floor(i / 30)));
		ids.recent = await addSeries(db, 'compact/recent', 'stars');
		await write(db, ids.recent, 'observed', hourly('2024-03-01', '2024-04-01', (_, i) => 5 + i));
		for (const query of [...bucketedQueries, 'interval=raw']) before.set(query, await read(query));
		for (const [name, id] of Object.entries(ids)) storedBefore.set(name, await listStored(db, id));
		latestBefore = await listLatest(db);
		await compactObservedSamples(db, { rawDays, now, batchRows: 500 });
	});
	afterAll(() => database?.close());

	it('answers reads at day, week, month, quarter and year exactly as before, flags, provenance and point counts included', async () => {
		// The seeded flags must reach the compacted days, or this proves little.
		const days = before.get('interval=day')!;
		const flagged = days[0]!.pointFlags.filter((flags, i) => flags.length > 0 && Date.parse(days[0]!.points[i]![0]) < cutoff.getTime());
		expect(new Set(flagged.flat())).toEqual(new Set(['capped', 'decrease', 'stall', 'jump']));
		expect(Object.keys(days[1]!.provenance).sort()).toEqual(['imported', 'observed', 'reconstructed']);
		for (const query of bucketedQueries) expect(await read(query), query).toEqual(before.get(query));
	});

	it('keeps one observed sample per UTC day (or per run between samples of other provenances) before the cutoff, the rest as it was', async () => {
		for (const [name, id] of Object.entries(ids)) {
			expect(await listStored(database.db, id), name).toEqual(modelCompaction(storedBefore.get(name)!, cutoff.getTime()));
		}
		const pulls = await listStored(database.db, ids.pulls!);
		const compactedDays = pulls.filter((s) => s.tMs < cutoff.getTime());
		expect(compactedDays).toHaveLength((cutoff.getTime() - Date.parse('2024-01-01')) / day);
		expect(compactedDays.every((s) => s.tMs % day === 23 * hour)).toBe(true);
	});

	it('leaves imported, reconstructed and reference samples and series_latest untouched', async () => {
		const others = (rows: StoredSample[]) => rows.filter((s) => s.provenance !== 'observed');
		const mixed = await listStored(database.db, ids.mixed!);
		expect(others(mixed)).toEqual(others(storedBefore.get('mixed')!));
		expect(others(mixed)).toHaveLength(90);
		expect(await listLatest(database.db)).toEqual(latestBefore);
		const stopped = await listStored(database.db, ids.stopped!);
		expect(stopped.filter((s) => s.tMs >= Date.parse('2024-02-10'))).toHaveLength(15);
	});

	it('says at interval=raw where raw data ends, and nothing at coarser intervals', async () => {
		const raw = await read('interval=raw');
		const rawSince = Object.fromEntries(raw.map((view) => [view.series, view.rawSince]));
		expect(rawSince).toEqual({
			[refs.pulls]: cutoff.toISOString(),
			[refs.mixed]: cutoff.toISOString(),
			[refs.gauge]: cutoff.toISOString(),
			[refs.stopped]: '2024-02-10T00:00:00.000Z',
			[refs.recent]: null
		});
		expect(cutoff.toISOString()).toBe('2024-02-20T00:00:00.000Z');
		expect((await read('interval=day')).every((view) => !('rawSince' in view))).toBe(true);
		// From the boundary on, the raw answer is the one before compaction.
		const after = (views: SeriesView[]) =>
			views.map((v) => v.points.flatMap(([t, value], i) => (Date.parse(t) >= cutoff.getTime() ? [[t, value, v.pointProvenance[i], v.pointFlags[i]]] : [])));
		expect(after(raw)).toEqual(after(before.get('interval=raw')!));
	});

	it('changes nothing when it runs again, and records each pass', async () => {
		const stored = await Promise.all(Object.values(ids).map((id) => listStored(database.db, id)));
		const report = await compactObservedSamples(database.db, { rawDays, now, batchRows: 500 });
		expect(report).toMatchObject({ cutoff: cutoff.toISOString(), isComplete: true, series: 0, batches: 0, samplesRemoved: 0 });
		expect(await Promise.all(Object.values(ids).map((id) => listStored(database.db, id)))).toEqual(stored);
		expect(await getLastCompaction(database.db)).toEqual(report);
	});

	it('keeps the flags of compacted days when a write near them or new flag rules recompute flags', async () => {
		const stored = await listStored(database.db, ids.pulls!);
		const compacted = stored.filter((s) => s.tMs < cutoff.getTime());
		// An import inside the compacted days recomputes the flags of the samples after it.
		await write(database.db, ids.pulls!, 'imported', [{ ts: new Date('2024-01-20T12:30:00Z'), value: 1 }]);
		await refreshCounterFlags(database.db, { ...defaultCounterConfig, jumpFactor: 1.5 });
		const after = await listStored(database.db, ids.pulls!);
		expect(after.filter((s) => s.tMs < cutoff.getTime() && s.provenance === 'observed')).toEqual(compacted);
		expect(after.find((s) => s.provenance === 'imported')?.flags).toEqual(['decrease']);
		await refreshCounterFlags(database.db, defaultCounterConfig);
	});

	it('goes on day by day from where the last pass ended, and a pass asked to stop does nothing more', async () => {
		const id = await addSeries(database.db, 'compact/later', 'pulls');
		await write(database.db, id, 'observed', hourly('2024-01-01', '2024-01-10', (_, i) => i));
		const stopped = new AbortController();
		stopped.abort();
		expect(await compactObservedSamples(database.db, { rawDays, now, signal: stopped.signal })).toMatchObject({ isComplete: false, batches: 0 });
		expect(await listStored(database.db, id)).toHaveLength(9 * 24);
		const readRaw = async () => (await readSeriesViews(database.db, parseSeriesQuery(new URLSearchParams('series=github:compact/later:pulls')))) as { series: SeriesView[] };
		const earlier = await compactObservedSamples(database.db, { rawDays, now: new Date('2024-04-04T01:00:00Z'), batchRows: 50 });
		expect(earlier).toMatchObject({ cutoff: '2024-01-05T00:00:00.000Z', series: 1, samplesRemoved: 4 * 23 });
		expect((await readRaw()).series[0]!.rawSince).toBe('2024-01-05T00:00:00.000Z');
		await compactObservedSamples(database.db, { rawDays, now, batchRows: 50 });
		expect((await listStored(database.db, id)).map((s) => s.value)).toEqual([23, 47, 71, 95, 119, 143, 167, 191, ...Array.from({ length: 24 }, (_, h) => 192 + h)]);
		expect((await readRaw()).series[0]!.rawSince).toBe('2024-01-09T00:00:00.000Z');
	});

	it('answers day reads the same after compacting any hourly series with any flags and imports', async () => {
		const flagWords = fc.constantFrom('capped', 'x', 'y');
		const sample = fc.record({
			step: fc.integer({ min: -3, max: 10 }),
			flags: fc.uniqueArray(flagWords, { maxLength: 2 }),
			// Now and then: an import between two polls splits the day's observed samples in two runs.
			isImported: fc.integer({ min: 0, max: 9 }).map((n) => n === 0)
		});
		// From a few days before the cutoff to one after it: compacted days, the day of the cutoff, raw ones.
		const start = fc.integer({ min: -100, max: -30 });
		let n = 0;
		let removed = 0;
		await fc.assert(
			fc.asyncProperty(start, fc.array(sample, { minLength: 48, maxLength: 100 }), async (startHours, samples) => {
				const id = await addSeries(database.db, `compact/random-${++n}`, 'pulls');
				let value = 100;
				const rows = samples.map((s, i) => ({ ts: new Date(cutoff.getTime() + (startHours + i) * hour + (s.isImported ? 30 * 60_000 : 0)), value: (value += s.step) }));
				await write(database.db, id, 'observed', rows.filter((_, i) => !samples[i]!.isImported));
				await write(database.db, id, 'imported', rows.filter((_, i) => samples[i]!.isImported));
				const flagged = samples.flatMap((s, i) => (s.flags.length > 0 ? [{ ts: rows[i]!.ts.toISOString(), words: s.flags.join(',') }] : []));
				await database.db.execute(sql`update samples s set flags = s.flags || string_to_array(f.words, ',')
					from unnest(${sql.param(flagged.map((f) => f.ts))}::timestamptz[], ${sql.param(flagged.map((f) => f.words))}::text[]) as f(ts, words)
					where s.series_id = ${id} and s.ts = f.ts`);
				const query = `series=github:compact/random-${n}:pulls&points=10000`;
				const readDays = async () => (await readSeriesViews(database.db, parseSeriesQuery(new URLSearchParams(`${query}&interval=day`)))) as { series: SeriesView[] };
				const daysBefore = await readDays();
				const storedRows = await listStored(database.db, id);
				removed += (await compactObservedSamples(database.db, { rawDays, now, batchRows: 40 })).samplesRemoved;
				expect(await readDays()).toEqual(daysBefore);
				expect(await listStored(database.db, id)).toEqual(modelCompaction(storedRows, cutoff.getTime()));
			}),
			{ numRuns: 15 }
		);
		expect(removed).toBeGreaterThan(15 * 20);
	});

	// Last: with today's clock it compacts every series above up to its latest day.
	it('runs as a daily job with RAW_RETENTION_DAYS, shown on the health page, and not at all when off', async () => {
		const id = await addSeries(database.db, 'compact/job', 'pulls');
		const start = Math.floor(Date.now() / day) * day - 100 * day;
		await write(database.db, id, 'observed', hourly(new Date(start).toISOString(), new Date(start + 2 * day).toISOString(), (_, i) => i));
		await write(database.db, id, 'observed', [{ ts: new Date(), value: 100 }]);
		expect(listScheduledJobs(loadConfig({ RAW_RETENTION_DAYS: 'off' })).map((job) => job.name)).not.toContain('compaction');
		const config = loadConfig({});
		const job = listScheduledJobs(config).find((j) => j.name === 'compaction')!;
		expect(job.cron).toBe('40 2 * * *');
		await job.run({ config, db: database.db }, new AbortController().signal, new Date());
		expect((await listStored(database.db, id)).map((s) => s.value)).toEqual([23, 47, 100]);
		const { retention } = await getHealthView(database.db, config, new Date());
		expect(retention).toMatchObject({ rawDays: 90, cron: '40 2 * * *', lastPass: { isComplete: true, rawDays: 90 } });
		expect(retention.lastPass!.samplesRemoved).toBeGreaterThanOrEqual(46);
	});
});
