import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/server/config.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { deleteAppState, upsertAppState } from '../../src/lib/server/db/queries/app-state.js';
import { eq } from 'drizzle-orm';
import { startCollection } from '../../jobs/index.js';
import { finishRun, insertRun } from '../../src/lib/server/db/queries/runs.js';
import { collectionRuns } from '../../src/lib/server/db/schema/index.js';
import { buildOverview } from '../../src/lib/server/overview/overview.js';
import type { Collection } from '../../src/lib/types/collection.js';
import { loadReferenceDataset } from '../../src/lib/server/reference/load.js';
import { testBackends } from '../helpers/databases.js';
import { growing, growingDayMs, seedDashboard, seededImports } from '../helpers/dashboard-seed.js';

const nowMs = Date.parse('2026-11-28T12:00:00Z');
const now = new Date(nowMs);
const dayMs = 86_400_000;
const config = loadConfig({ FEATURED_SERIES: 'github:nope/missing:stars,github:e2e/growing:stars,github:moby/moby:stars' });

/** The growing series' value on or before an instant, straight from the seed's formula. */
function growingAt(ms: number): { ts: string; value: number } {
	const index = growing.days - 1 - Math.ceil((growingDayMs(growing.days - 1, nowMs) - ms) / dayMs);
	return { ts: new Date(growingDayMs(index, nowMs)).toISOString(), value: growing.valueOn(index) };
}

/** A recorded history's value on or before an instant, read from its CSV file. */
function csvAt(file: string, ms: number): { ts: string; value: number } {
	const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
	const [date, value] = rows.filter(([date]) => Date.parse(`${date}T00:00:00Z`) <= ms).at(-1)!;
	return { ts: `${date}T00:00:00.000Z`, value: Number(value) };
}

describe.each(testBackends)('overview data on $name', (backend) => {
	let database: Database;
	// Not scheduled: the overview only reads the collectors' health from it.
	let collection: Collection;

	beforeAll(async () => {
		database = await backend.open();
		collection = startCollection({ config, db: database.db }, { schedule: false, catchUp: false });
		await seedDashboard(database, nowMs);
		await loadReferenceDataset(database.db);
	});
	afterAll(() => database.close());

	it('makes a card for each featured series with data, in order, with growth over the window', async () => {
		const overview = await buildOverview(database.db, config, { window: { kind: '1y' }, now, collection });
		expect(overview.cards.map((c) => c.series)).toEqual(['github:e2e/growing:stars', 'github:moby/moby:stars']);
		const start = Date.parse('2025-11-28T12:00:00Z');
		const [growingCard, mobyCard] = overview.cards;
		const base = growingAt(start);
		const latest = growingAt(nowMs);
		expect(base.value).toBe(1_340);
		expect(growingCard).toMatchObject({
			state: 'growth',
			isBaseFirstInWindow: false,
			base: { ...base, provenance: 'observed' },
			latest: { ...latest, provenance: 'observed' },
			exploreHref: '/explore?series=github%3Ae2e%2Fgrowing%3Astars&from=2025-11-28&to=2026-11-28'
		});
		if (growingCard?.state !== 'growth') throw new Error('expected growth');
		expect(growingCard.growth.percent).toBeCloseTo(((latest.value - base.value) / base.value) * 100, 9);
		expect(growingCard.growth.multiplier).toBeCloseTo(latest.value / base.value, 9);
		expect(growingCard.sparkline.points.length).toBeGreaterThanOrEqual(60);
		expect(growingCard.sparkline.points.length).toBeLessThanOrEqual(120);
		expect(growingCard.sparkline.points[0]).toEqual([Date.parse(base.ts), base.value]);
		expect(growingCard.sparkline.points.at(-1)![1]).toBe(latest.value);

		const mobyFile = seededImports['github:moby/moby:stars'];
		expect(mobyCard).toMatchObject({ state: 'growth', base: csvAt(mobyFile, start), latest: csvAt(mobyFile, nowMs) });
		if (mobyCard?.state !== 'growth') throw new Error('expected growth');
		expect(new Set(mobyCard.sparkline.provenance)).toEqual(new Set(['imported']));
	});

	it('says when a series has no data in the window, and uses the first sample for one that starts inside it', async () => {
		const overview = await buildOverview(database.db, config, { window: { kind: '30d' }, now, collection });
		const moby = overview.cards.find((c) => c.series === 'github:moby/moby:stars');
		expect(moby).toMatchObject({ state: 'noData', lastBefore: { ts: '2026-08-22T00:00:00.000Z', value: 71_993 } });
		const since = await buildOverview(database.db, config, { window: { kind: 'custom', from: '2025-01-01', to: undefined }, now, collection });
		const growingCard = since.cards.find((c) => c.series === 'github:e2e/growing:stars');
		expect(growingCard).toMatchObject({ state: 'growth', isBaseFirstInWindow: true, base: { ts: new Date(growingDayMs(0, nowMs)).toISOString(), value: 1_000 } });
	});

	it('dates the next round milestone of a growing counter from its linear growth, also for a window ending in the past', async () => {
		const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
		// Each case: the window, the growing series' last day in it, and the next round value. The seed
		// grows 10 stars a day, so the value is reached ceil((value - latest) / 10) days after that day.
		// The 1-year window's ETA reuses the sparkline's daily read; the 60-day one reads a year itself.
		const cases = [
			{ window: { kind: '1y' as const }, lastIndex: growing.days - 1, value: 5_000 },
			{ window: { kind: 'custom' as const, from: isoDay(growingDayMs(190, nowMs)), to: isoDay(growingDayMs(250, nowMs)) }, lastIndex: 250, value: 5_000 }
		];
		for (const { window, lastIndex, value } of cases) {
			const overview = await buildOverview(database.db, config, { window, now, collection });
			const card = overview.cards.find((c) => c.series === growing.series);
			if (card?.state !== 'growth') throw new Error('expected growth');
			const daysToGo = Math.ceil((value - growing.valueOn(lastIndex)) / 10);
			const expectedMs = growingDayMs(lastIndex, nowMs) + daysToGo * dayMs;
			expect(card.eta).toMatchObject({ value, method: expect.stringContaining('damped linear trend'), horizonYears: 3 });
			expect(Math.abs(Date.parse(card.eta!.date!) - expectedMs)).toBeLessThanOrEqual(30 * dayMs);
			expect(card.eta!.earliest! <= card.eta!.date!).toBe(true);
			expect(card.eta!.latest === null || card.eta!.date! <= card.eta!.latest).toBe(true);
		}
	});

	it('ranks top movers by growth % and by absolute change, leaving out series that did not move', async () => {
		const overview = await buildOverview(database.db, config, { window: { kind: '1y' }, now, collection });
		const start = Date.parse('2025-11-28T12:00:00Z');
		const expected = [
			{ series: 'github:e2e/growing:stars', base: growingAt(start), latest: growingAt(nowMs) },
			...Object.entries(seededImports).map(([series, file]) => ({ series, base: csvAt(file, start), latest: csvAt(file, nowMs) }))
		];
		const byPercent = [...expected].sort((a, b) => (b.latest.value - b.base.value) / b.base.value - (a.latest.value - a.base.value) / a.base.value);
		const byChange = [...expected].sort((a, b) => b.latest.value - b.base.value - (a.latest.value - a.base.value));
		expect(overview.movers.percent.map((m) => m.series)).toEqual(byPercent.map((m) => m.series));
		expect(overview.movers.change.map((m) => m.series)).toEqual(byChange.map((m) => m.series));
		for (const mover of overview.movers.percent) {
			const want = expected.find((e) => e.series === mover.series)!;
			expect(mover).toMatchObject({ base: want.base, latest: want.latest });
			expect(mover.growth.percent).toBeCloseTo(((want.latest.value - want.base.value) / want.base.value) * 100, 9);
		}
	});

	it('ranks the published figures as movers over their own years', async () => {
		const overview = await buildOverview(database.db, config, { window: { kind: 'custom', from: '2014-06-09', to: '2015-06-22' }, now, collection });
		expect(overview.movers.percent[0]).toMatchObject({
			series: 'reference:dockerhub:pulls',
			base: { ts: '2014-06-09T00:00:00.000Z', value: 2_750_000, provenance: 'reference' },
			latest: { ts: '2015-06-22T00:00:00.000Z', value: 500_000_000, provenance: 'reference' }
		});
		expect(overview.cards.every((c) => c.state === 'noData')).toBe(true);
	});

	it('lists the reference figures with their growth and citations', async () => {
		const overview = await buildOverview(database.db, config, { window: { kind: '1y' }, now, collection });
		const pulls = overview.reference.find((r) => r.series === 'reference:dockerhub:pulls')!;
		expect(pulls.growth?.percent).toBeCloseTo(18_081.818, 3);
		expect(pulls.growth?.multiplier).toBeCloseTo(181.818, 3);
		expect(pulls.figures.map((f) => f.citation)).toEqual([
			expect.stringContaining('https://www.slideshare.net/slideshow/docker-con-keynote-v11-1/35805816'),
			expect.stringContaining('https://www.slideshare.net/Docker/docker-hub')
		]);
		const users = overview.reference.find((r) => r.series === 'reference:dockerhub:users')!;
		expect(users.growth).toBeNull();
		const contributors = overview.reference.find((r) => r.series === 'reference:docker-project:contributors')!;
		expect(contributors.figures[1]!.citation).toMatch(/^derived from the published \+183%, window inferred/);
	});

	it('shows the growth figures published as percentages only beside the reference figures, with citation and caveat', async () => {
		const overview = await buildOverview(database.db, config, { window: { kind: '1y' }, now, collection });
		expect(overview.publishedGrowth.map((r) => [r.series, r.percent, r.period])).toEqual([
			['reference:docker-jobs:job_offers', 1_720, { from: '2014-06', to: '2015-06' }],
			['reference:boot2docker:downloads', 1_456, { from: '2014-06', to: '2015-06' }]
		]);
		const boot2docker = overview.publishedGrowth[1]!;
		expect(boot2docker.multiplier).toBeCloseTo(15.56, 10);
		expect(boot2docker.citation).toContain('"Boot2Docker downloads +1,456%"');
		expect(boot2docker.caveat).toMatch(/^Published as a percentage only: no base value found.*about 500,000 downloads in mid-2014 \(unverified/);
	});

	it('shows the featured series a configuration file stored instead of FEATURED_SERIES, and FEATURED_SERIES again once it is removed', async () => {
		await upsertAppState(database.db, 'featured', ['github:moby/moby:stars']);
		try {
			const overview = await buildOverview(database.db, config, { window: { kind: '1y' }, now, collection });
			expect(overview.cards.map((c) => c.series)).toEqual(['github:moby/moby:stars']);
			expect(overview.featuredCount).toBe(1);
		} finally {
			await deleteAppState(database.db, 'featured');
		}
		const overview = await buildOverview(database.db, config, { window: { kind: '1y' }, now, collection });
		expect(overview.featuredCount).toBe(3);
	});

	it('reports the newest observed sample and every collector', async () => {
		const overview = await buildOverview(database.db, config, { window: { kind: '1y' }, now, collection });
		expect(overview.freshness.newestObservedAt).toBe(new Date(growingDayMs(growing.days - 1, nowMs)).toISOString());
		expect(overview.freshness.collectors.map((c) => c.collector)).toContain('dockerhub');
		expect(overview.freshness.collectors.every((c) => c.lastSuccessAt === null && !c.isOverdue)).toBe(true);
	});
	it('follows every write in its freshness, and judges a collector overdue as time passes without one', async () => {
		const view = (at: Date) => buildOverview(database.db, config, { window: { kind: '1y' }, now: at, collection });
		const before = await view(now);
		expect(before.freshness.collectors.find((c) => c.collector === 'dockerhub')!.lastSuccessAt).toBeNull();
		const runId = await insertRun(database.db, 'dockerhub', new Date(nowMs - 60_000));
		await finishRun(database.db, runId, new Date(nowMs - 30_000), { status: 'ok', targetsDone: 1, targetsFailed: 0, failures: [], requestsMade: 1, rateBudgetLeft: undefined });
		try {
			const after = await view(now);
			const dockerhub = after.freshness.collectors.find((c) => c.collector === 'dockerhub')!;
			expect(dockerhub.lastSuccessAt).toBe(new Date(nowMs - 30_000).toISOString());
			expect(dockerhub.isOverdue).toBe(false);
			// No write since: the same data version, judged at a later time.
			const later = await view(new Date(nowMs + 3 * dockerhub.intervalMs));
			expect(later.freshness.collectors.find((c) => c.collector === 'dockerhub')!.isOverdue).toBe(true);
		} finally {
			await database.db.delete(collectionRuns).where(eq(collectionRuns.id, runId));
		}
		expect((await view(now)).freshness.collectors.every((c) => c.lastSuccessAt === null)).toBe(true);
	});
});
