import { formatSeriesRef, type SeriesRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { listNextSampleTimes } from '../db/queries/values-at.js';
import type { ResolvedWindow } from '../metrics/growth.js';
import { buildHeadlineCards, chooseSparklineInterval, listFeaturedRecords, type HeadlineCard } from './cards.js';

/**
 * The headline cards of a window that ends now, kept between page views without ever being stale, as
 * the movers are (movers-cache.ts). Building them reads each featured series three or four times (its
 * values at the window's edges, its sparkline, the days its milestone ETA is forecast from): most of
 * the queries an overview makes. While no write lands (the data version), the cards only change when
 * an edge of what they read passes a stored sample of a featured series: the window's start, its end,
 * and the start of the ETA's recent days. So an entry keeps those edges and the first sample past each,
 * and answers any later window that has reached none of them. The explorer links on the cards name the
 * window's first and last days, and the sparkline's interval follows the window's length: both are in
 * the key.
 */

interface Entry {
	start: number;
	end: number;
	/** The window's start must stay before this, its end before `endHorizon`. */
	startHorizon: number;
	endHorizon: number;
	cards: HeadlineCard[];
}

// A few window choices per data version are all the overview offers; custom windows age out first.
const maxEntries = 16;

const caches = new WeakMap<object, Map<string, Promise<Entry>>>();

function cacheOf(db: Db): Map<string, Promise<Entry>> {
	let cache = caches.get(db);
	if (!cache) {
		cache = new Map();
		caches.set(db, cache);
	}
	return cache;
}

const day = (instant: Date) => instant.toISOString().slice(0, 10);

function isAnswering(entry: Entry, window: ResolvedWindow): boolean {
	const [start, end] = [window.start.getTime(), window.end.getTime()];
	return entry.start <= start && start < entry.startHorizon && entry.end <= end && end < entry.endHorizon;
}

async function buildEntry(db: Db, featured: readonly SeriesRef[], window: ResolvedWindow): Promise<Entry> {
	const records = await listFeaturedRecords(db, featured);
	// A sample exactly at the start is read differently once the start has moved past it, so it
	// already counts as passed; one exactly at the end is inside the window either way.
	const bounds = [
		{ at: window.start, isInclusive: true },
		{ at: window.end, isInclusive: false }
	];
	const [cards, [afterStart, afterEnd]] = await Promise.all([
		buildHeadlineCards(db, records, window),
		listNextSampleTimes(db, records.map((r) => r.id), bounds)
	]);
	return {
		start: window.start.getTime(),
		end: window.end.getTime(),
		startHorizon: afterStart ?? Infinity,
		endHorizon: afterEnd ?? Infinity,
		cards
	};
}

/** The cards of `window` under the data version `version` the caller read. */
export async function listHeadlineCardsCached(db: Db, featured: readonly SeriesRef[], window: ResolvedWindow, version: string): Promise<HeadlineCard[]> {
	if (featured.length === 0) return [];
	const key = [version, featured.map(formatSeriesRef).join(','), day(window.start), day(window.end), chooseSparklineInterval(window)].join('\n');
	const cache = cacheOf(db);
	const kept = cache.get(key);
	if (kept) {
		// Possibly still being built for another view: waited for rather than built again.
		const entry = await kept.catch(() => undefined);
		if (entry && isAnswering(entry, window)) return entry.cards;
	}
	// The version was read first: an entry may be newer than its key, never older.
	const building = buildEntry(db, featured, window);
	cache.delete(key);
	cache.set(key, building);
	// A failed build is not kept: the next view tries again.
	building.catch(() => cache.get(key) === building && cache.delete(key));
	for (const oldest of cache.keys()) {
		if (cache.size <= maxEntries) break;
		cache.delete(oldest);
	}
	return (await building).cards;
}
