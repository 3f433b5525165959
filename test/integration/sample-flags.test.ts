import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectDockerHub } from '../../jobs/collectors/dockerhub/collect.js';
import { writeObservation } from '../../jobs/observations.js';
import { defaultCounterConfig, type CounterConfig } from '../../src/lib/server/config-counters.js';
import { queryRows, type Db } from '../../src/lib/server/db/client.js';
import { upsertSamples, writeSamples } from '../../src/lib/server/db/queries/samples.js';
import { loadReferenceDataset } from '../../src/lib/server/reference/load.js';
import { upsertSeries } from '../../src/lib/server/db/queries/targets.js';
import { withTransaction } from '../../src/lib/server/db/transaction.js';
import { computeSeriesFlags, resolveFlagRules } from '../../src/lib/server/metrics/counters.js';
import { readFixture, useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';

const day = 86_400_000;
const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (days: number) => new Date(t0 + days * day);
const nginx = readFixture('dockerhub/doc-repository-library-nginx.json');
const nginxPath = '/v2/namespaces/library/repositories/nginx';

interface StoredFlags {
	days: number;
	value: number;
	provenance: string;
	flags: string[];
}

async function listStored(db: Db, seriesId: number): Promise<StoredFlags[]> {
	const rows = await queryRows<{ t_ms: number; value: number; provenance: string; flags: string[] }>(
		db,
		sql`select (extract(epoch from ts) * 1000)::float8 as t_ms, value, provenance, flags from samples where series_id = ${seriesId} order by ts`
	);
	return rows.map((r) => ({ days: (Number(r.t_ms) - t0) / day, value: Number(r.value), provenance: r.provenance, flags: r.flags }));
}

/** The flags each stored sample must have: computeSeriesFlags over the series as it stands. */
async function listExpectedFlags(db: Db, seriesId: number, metric: string, counters: CounterConfig = defaultCounterConfig) {
	const stored = await listStored(db, seriesId);
	const rules = resolveFlagRules(counters, { metric, kind: 'counter', source: 'dockerhub' });
	return computeSeriesFlags(stored.map((s) => ({ tMs: t0 + s.days * day, value: s.value })), rules);
}

describe.each(testBackends)('sample flags on $name', (backend) => {
	const h = useCollectorHarness(backend, { source: 'dockerhub', startAt: '2026-11-28T10:00:00Z', env: { HTTP_MAX_RETRIES: '0' } });
	let keys = 0;
	/** A new tracked image and its series of one metric. */
	const addSeries = async (metric = 'pulls') => {
		const key = `flags/image-${++keys}`;
		const targetId = await h.addTarget(key);
		const seriesId = await upsertSeries(h.db, targetId, { metric, unit: metric, kind: 'counter' });
		return { key, seriesId };
	};
	const observe = (key: string, days: number, values: Record<string, number>, extra: { flags?: Record<string, string[]>; counters?: CounterConfig } = {}) =>
		writeObservation(h.db, { target: { source: 'dockerhub', key, displayName: key }, ts: at(days), values, flags: extra.flags }, extra.counters ?? defaultCounterConfig);
	const flagsOf = async (seriesId: number) => (await listStored(h.db, seriesId)).map((s) => [s.days, s.value, s.flags]);

	it("recomputes the following sample's flags when an import or a backfill lands before it", async () => {
		const { key, seriesId } = await addSeries();
		await observe(key, 0, { pulls: 100 });
		await observe(key, 2, { pulls: 300 });
		expect(await flagsOf(seriesId)).toEqual([[0, 100, []], [2, 300, ['jump']]]);
		// 300 is no jump from 160.
		await upsertSamples(h.db, seriesId, 'imported', [{ ts: at(1), value: 160 }]);
		expect(await flagsOf(seriesId)).toEqual([[0, 100, []], [1, 160, []], [2, 300, []]]);
		// A correction to 400 makes the drop to 300 a decrease, and 400 a jump from 100.
		await upsertSamples(h.db, seriesId, 'imported', [{ ts: at(1), value: 400 }]);
		expect(await flagsOf(seriesId)).toEqual([[0, 100, []], [1, 400, ['jump']], [2, 300, ['decrease']]]);
	});

	it('recomputes a stall whose sample stallDays before moved, days after the insert', async () => {
		const { key, seriesId } = await addSeries();
		for (const d of [0, 1, 3, 4, 5]) await observe(key, d, { pulls: 50 });
		expect((await flagsOf(seriesId)).map(([, , flags]) => flags)).toEqual([[], [], ['stall'], ['stall'], ['stall']]);
		// An imported 40 at day 1.5: day 3 follows it (no stall), and day 5, two samples on, now looks
		// back at it (the latest sample at or before day 2) instead of at day 1's 50.
		await upsertSamples(h.db, seriesId, 'imported', [{ ts: at(1.5), value: 40 }]);
		expect(await flagsOf(seriesId)).toEqual([[0, 50, []], [1, 50, []], [1.5, 40, ['decrease']], [3, 50, []], [4, 50, ['stall']], [5, 50, []]]);
	});

	it('gives a bulk import (COPY on PostgreSQL) the flags of the whole series, at its edges too', async () => {
		const { key, seriesId } = await addSeries();
		await observe(key, -0.5, { pulls: 900 });
		await observe(key, 100, { pulls: 10 });
		// Hourly for 50 days: a plateau of 80 hours every 100 (stalls after 72), a drop every 997 rows;
		// the first row drops from the observed 900 and the first days' stalls look back past it.
		const rows = Array.from({ length: 1200 }, (_, i) => ({ ts: at(i / 24), value: 500 + Math.floor(i / 100) * 7 - (i % 997 === 0 ? 50 : 0) }));
		rows.reverse();
		const counts = await withTransaction(h.database, (tx) => writeSamples(tx, seriesId, 'imported', rows));
		expect(counts).toEqual({ inserted: 1200, updated: 0, unchanged: 0, keptObserved: 0 });
		const stored = await listStored(h.db, seriesId);
		expect(stored.map((s) => s.flags)).toEqual(await listExpectedFlags(h.db, seriesId, 'pulls'));
		expect(stored.filter((s) => s.flags.includes('stall')).length).toBeGreaterThan(100);
		expect([stored[1]!.flags, stored.at(-1)!.flags]).toEqual([['decrease'], ['decrease']]);
	});

	it('flags a stall on pulls only by default, and on the metrics COUNTER_STALL_METRICS names', async () => {
		const { key } = await addSeries();
		for (const d of [0, 1, 2, 3]) await observe(key, d, { pulls: 7, stars: 7, releases: 7 });
		const flagsByMetric = async () => {
			const rows = await h.listSamples(key);
			return Object.fromEntries(['pulls', 'stars', 'releases'].map((m) => [m, rows.filter((r) => r.metric === m).at(-1)!.flags]));
		};
		expect(await flagsByMetric()).toEqual({ pulls: ['stall'], stars: [], releases: [] });
		const counters = { ...defaultCounterConfig, stallMetrics: ['pulls', 'releases'] };
		await observe(key, 4, { pulls: 7, stars: 7, releases: 7 }, { counters });
		expect(await flagsByMetric()).toEqual({ pulls: ['stall'], stars: [], releases: ['stall'] });
	});

	it("keeps a collector's own flag on the sample when its counter flags are recomputed", async () => {
		const { key, seriesId } = await addSeries();
		await observe(key, 0, { pulls: 10_000 });
		await observe(key, 2, { pulls: 9_000 }, { flags: { pulls: ['capped'] } });
		expect(await flagsOf(seriesId)).toEqual([[0, 10_000, []], [2, 9_000, ['decrease', 'capped']]]);
		await upsertSamples(h.db, seriesId, 'imported', [{ ts: at(1), value: 8_000 }]);
		expect(await flagsOf(seriesId)).toEqual([[0, 10_000, []], [1, 8_000, ['decrease']], [2, 9_000, ['capped']]]);
		// Polled again at the same instant, the same answer changes nothing.
		expect(await observe(key, 2, { pulls: 9_000 }, { flags: { pulls: ['capped'] } })).toBe(0);
	});

	it('stores a value frozen at 2^31 - 1 and a wrapped negative one from Docker Hub, flagged, and keeps the target ok', async () => {
		await h.addTarget('library/nginx');
		const poll = async (pulls: number) => {
			h.replay.route(nginxPath, { body: { ...nginx, pull_count: pulls } });
			const report = await collectDockerHub(h.db, h.config(), { ...h.options(), onlyKey: 'library/nginx' });
			h.clockMs += 3_600_000;
			return report;
		};
		await poll(2_147_000_000);
		await poll(2_147_483_647);
		expect(await poll(-2_147_483_000)).toMatchObject({ status: 'ok', targetsDone: 1, targetsFailed: 0 });
		const pulls = await h.listSamples('library/nginx', 'pulls');
		expect(pulls.map((s) => [s.value, s.flags])).toEqual([
			[2_147_000_000, []],
			[2_147_483_647, ['frozen']],
			[-2_147_483_000, ['decrease', 'wrapped']]
		]);
		expect((await h.getTarget('library/nginx')).status).toBe('ok');
	});

	it('flags no published reference figure, though they jump from one to the next', async () => {
		await loadReferenceDataset(h.db);
		const [row] = await queryRows<{ samples: number; flagged: number }>(
			h.db,
			sql`select count(*)::int as samples, (count(*) filter (where cardinality(s.flags) > 0))::int as flagged
				from samples s join series se on se.id = s.series_id join targets t on t.id = se.target_id where t.source = 'reference'`
		);
		expect(row!.samples).toBeGreaterThan(5);
		expect(row!.flagged).toBe(0);
	});

	it('leaves no stale flag when two writers insert around each other at once', async () => {
		const { key, seriesId } = await addSeries();
		await observe(key, 0, { pulls: 100 });
		const observeLater = () => observe(key, 2, { pulls: 300 });
		const importBetween = (db: Db) => upsertSamples(db, seriesId, 'imported', [{ ts: at(1), value: 160 }]);
		if (backend.name === 'pglite') {
			// One connection: the two transactions run one after the other, whichever goes first.
			await Promise.all([h.db.transaction((tx) => importBetween(tx)), observeLater()]);
		} else {
			expect(await raceOnPostgres(observeLater, importBetween)).toBe('blocked');
		}
		expect(await flagsOf(seriesId)).toEqual([[0, 100, []], [1, 160, []], [2, 300, []]]);
	});

	/**
	 * The import holds its transaction open after writing, and the observation starts meanwhile, on
	 * another connection. With the series lock it waits for the import to commit and then sees its row;
	 * without it, it would judge 300 against 100 (a jump) and commit first, and the import, which
	 * recomputed day 2 before that row existed for it, would never look at it again.
	 */
	async function raceOnPostgres(observeLater: () => Promise<number>, importBetween: (db: Db) => Promise<unknown>) {
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		let markWritten!: () => void;
		const isWritten = new Promise<void>((resolve) => (markWritten = resolve));
		const importing = withTransaction(h.database, async (tx) => {
			await importBetween(tx.db);
			markWritten();
			await gate;
		});
		await isWritten;
		const observing = observeLater();
		const watch = { isOver: false };
		const outcome = await Promise.race([waitForBlockedWriter(h.db, watch), observing.then(() => 'finished' as const)]);
		watch.isOver = true;
		release();
		await Promise.all([importing, observing]);
		return outcome;
	}

	it('after any sequence of writes in any order, every sample carries the flags of the final sorted series', async () => {
		const value = fc.constantFrom(0, 5, 10, 10, 25, 60, 2_147_483_647, -3, 5_000_000_000, 5_000_000_000 + 1_000 - 2 ** 32);
		const instant = fc.integer({ min: 0, max: 24 }).map((halfDays) => halfDays / 2);
		const write = fc.record({
			provenance: fc.constantFrom('observed', 'imported', 'reconstructed'),
			samples: fc.uniqueArray(fc.record({ days: instant, value }), { minLength: 1, maxLength: 6, selector: (s) => s.days })
		});
		await fc.assert(
			fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 6 }), async (writes) => {
				const { key, seriesId } = await addSeries();
				for (const w of writes) {
					if (w.provenance === 'observed') {
						for (const s of w.samples) await observe(key, s.days, { pulls: s.value });
					} else {
						await upsertSamples(h.db, seriesId, w.provenance as 'imported', w.samples.map((s) => ({ ts: at(s.days), value: s.value })));
					}
				}
				const stored = await listStored(h.db, seriesId);
				expect(stored.map((s) => s.flags)).toEqual(await listExpectedFlags(h.db, seriesId, 'pulls'));
			}),
			{ numRuns: 40 }
		);
	});
});

/** Polls until a session of this database waits on a lock: the second writer queued behind the first. */
async function waitForBlockedWriter(db: Db, watch: { isOver: boolean }): Promise<'blocked' | 'finished'> {
	while (!watch.isOver) {
		const [row] = await queryRows<{ n: number }>(
			db,
			sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`
		);
		if (row!.n > 0) return 'blocked';
	}
	return 'finished';
}
