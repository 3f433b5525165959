import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeriesRef, type SeriesRef } from '../../src/lib/refs.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { addManualEvent } from '../../src/lib/server/events/events.js';
import { buildExploreView, buildTargetPageView, type ExploreView } from '../../src/lib/server/series/explore.js';
import { loadReferenceDataset } from '../../src/lib/server/reference/load.js';
import { searchSeries, toSearchWords } from '../../src/lib/server/series/catalog.js';
import { growing, growingDayMs, seedDashboard } from '../helpers/dashboard-seed.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';

const nowMs = Date.now();

function refs(...texts: string[]): SeriesRef[] {
	return texts.map((t) => {
		const parsed = parseSeriesRef(t);
		if (!parsed.ok) throw new Error(parsed.message);
		return parsed.value;
	});
}

function expectShown(view: ExploreView) {
	if (!view.ok) throw new Error(`${view.parameter}: ${view.reason}`);
	return view;
}

describe.each(testBackends)('the explorer view on $name', (backend) => {
	let database: Database;
	const featured = refs('github:no/such:stars', growing.series, 'github:moby/moby:stars');
	const explore = (query: string, featuredSeries = featured) => buildExploreView(database.db, featuredSeries, new URLSearchParams(query), nowMs);

	beforeAll(async () => {
		database = await backend.open();
		await seedDashboard(database, nowMs);
		await loadReferenceDataset(database.db);
		for (let i = 0; i < 22; i++) await seedSeries(database.db, `many/r${i}`, 'stars', [['2020-01-01T00:00:00Z', i]]);
	});
	afterAll(async () => {
		await database?.close();
	});

	it('opens on the featured series that exist, with their events and the search list', async () => {
		const view = expectShown(await explore(''));
		expect(view.isDefault).toBe(true);
		expect(view.state.series).toEqual([growing.series, 'github:moby/moby:stars']);
		expect(view.series.map((s) => [s.series, s.targetName])).toEqual([
			[growing.series, 'Growing (test)'],
			['github:moby/moby:stars', 'moby/moby']
		]);
		expect(view.events.map((e) => [e.label, e.target])).toContainEqual([growing.releaseLabel, growing.target]);
		expect(view.hiddenSeries).toEqual([]);
	});

	it('searches series by word prefixes of target, display name and metric, every word required', async () => {
		const found = async (q: string, limit = 100) => (await searchSeries(database.db, q, limit)).series.map((c) => c.series);
		expect((await searchSeries(database.db, 'growing stars', 100)).series).toEqual([
			{ series: growing.series, target: growing.target, targetName: 'Growing (test)', metric: 'stars', unit: 'stars' }
		]);
		// Prefixes of words, in any order, across the reference and the display name.
		expect(await found('falco pul')).toContain('dockerhub:falcosecurity/falco:pulls');
		expect(await found('pul falcosec')).toContain('dockerhub:falcosecurity/falco:pulls');
		expect(await found('github:moby/moby:st')).toEqual(['github:moby/moby:stars']);
		// A word must start a word: "oby" is inside "moby" only.
		expect(await found('oby')).toEqual([]);
		// Pattern characters are separators, not patterns.
		expect(await found('%')).toEqual(await found(''));
		expect(await found("moby_' or 1=1 --")).toEqual(await found('moby 1 1'));
	});

	it('answers at most limit series, closest first, and says when more match', async () => {
		const all = await searchSeries(database.db, '', 1000);
		expect(all.truncated).toBe(false);
		const firstTwo = await searchSeries(database.db, '', 2);
		expect(firstTwo).toEqual({ series: all.series.slice(0, 2), truncated: true });
		// Shorter keys first: moby/moby before any longer moby/... key.
		const moby = (await searchSeries(database.db, 'moby', 100)).series.map((c) => c.target);
		expect(moby[0]).toBe('github:moby/moby');
		expect(toSearchWords('  Moby/Moby:STARS  x y z a b c d e f')).toEqual(['moby', 'moby', 'stars', 'x', 'y', 'z', 'a', 'b']);
	});

	it('falls back to reference series when no featured series exists', async () => {
		const view = expectShown(await explore('', refs('github:no/such:stars')));
		expect(view.series.length).toBeGreaterThan(0);
		expect(view.series.every((s) => s.series.startsWith('reference:') && s.points.length > 0)).toBe(true);
	});

	it('reads month buckets as the last value of each month, with provenance and flags', async () => {
		const view = expectShown(await explore(`series=${growing.series}&interval=month`));
		const [s] = view.series;
		const lastOfMonth = new Map<string, number>();
		for (let i = 0; i < growing.days; i++) lastOfMonth.set(new Date(growingDayMs(i, nowMs)).toISOString().slice(0, 7), growing.valueOn(i));
		expect(s!.points.map(([t, v]) => [t.slice(0, 7), v])).toEqual([...lastOfMonth]);
		expect(new Set(s!.pointProvenance)).toEqual(new Set(['observed']));
		const flaggedMonth = new Date(growingDayMs(growing.flaggedDayIndex, nowMs)).toISOString().slice(0, 7);
		expect(s!.points.filter((_, i) => s!.pointFlags[i]!.length > 0).map(([t]) => t.slice(0, 7))).toEqual([flaggedMonth]);
	});

	it('applies range, interval and transform from the URL: the growing series gains 10 a day', async () => {
		const view = expectShown(await explore(`series=${growing.series}&range=30d&interval=day&transform=delta`));
		expect(view.series[0]!.points.map(([, v]) => v)).toEqual(Array(30).fill(10));
		// The release (day 200 of 400) is outside the last 30 days.
		expect(view.events.filter((e) => e.label === growing.releaseLabel)).toEqual([]);
		const indexed = expectShown(await explore(`series=${growing.series}&interval=day&transform=index`));
		expect(indexed.series[0]!.points[0]![1]).toBe(100);
	});

	it('draws the first 20 of more selected series and says which were left out', async () => {
		const many = Array.from({ length: 22 }, (_, i) => `series=github:many/r${i}:stars`).join('&');
		const view = expectShown(await explore(many));
		expect(view.series).toHaveLength(20);
		expect(view.hiddenSeries).toEqual(['github:many/r20:stars', 'github:many/r21:stars']);
	});

	it('names an unknown series and a bad parameter instead of failing', async () => {
		expect(await explore(`series=${growing.series}&series=github:no/such:stars`)).toMatchObject({
			ok: false,
			parameter: 'series',
			reason: expect.stringContaining('github:no/such:stars')
		});
		expect(await explore('interval=fortnight')).toMatchObject({ ok: false, parameter: 'interval' });
		expect(await explore('series=nonsense')).toMatchObject({ ok: false, parameter: 'series' });
		expect(await explore(`series=${growing.series}&interval=raw&transform=share`)).toMatchObject({
			ok: false,
			parameter: 'transform',
			reason: expect.stringContaining('needs interval=day')
		});
	});

	it('shows a manual event about the whole ecosystem with every series', async () => {
		const added = await addManualEvent(database.db, { date: new Date(growingDayMs(390, nowMs)), label: 'Ecosystem day' });
		expect(added.ok).toBe(true);
		const view = expectShown(await explore(`series=${growing.series}&range=30d`));
		expect(view.events.map((e) => [e.label, e.kind, e.target])).toEqual([['Ecosystem day', 'manual', null]]);
	});

	it('builds the per-target page with every series of the target', async () => {
		const view = await buildTargetPageView(database.db, growing.target, new URLSearchParams('interval=week'), nowMs);
		expect(view?.ok).toBe(true);
		if (!view?.ok) return;
		expect(view.target).toMatchObject({ target: growing.target, displayName: 'Growing (test)', status: 'ok' });
		expect(view.target.lastCollectedAt).not.toBeNull();
		expect(view.series.map((s) => s.series)).toEqual([growing.series]);
		expect(view.state.interval).toBe('week');
		expect(view.events.map((e) => e.label)).toContain(growing.releaseLabel);
		expect(await buildTargetPageView(database.db, 'github:no/such', new URLSearchParams(), nowMs)).toBeUndefined();
		expect(await buildTargetPageView(database.db, 'nonsense', new URLSearchParams(), nowMs)).toBeUndefined();
		expect(await buildTargetPageView(database.db, growing.target, new URLSearchParams('interval=fortnight'), nowMs)).toMatchObject({
			ok: false,
			parameter: 'interval'
		});
	});
});
