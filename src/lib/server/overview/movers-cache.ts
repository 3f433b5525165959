import type { Db } from '../db/client.js';
import { readDataVersion } from '../db/queries/data-version.js';
import { listMovers, readMoversHorizon, type MoverRow, type MoversSpec } from '../db/queries/movers.js';

/**
 * The movers of a window that ends now, kept between page views without ever being stale. The overview
 * ranks every series, which probes each one's base value: the costliest part of the page. Its window
 * slides with the clock, so an answer cannot be keyed by the window alone; but while no write lands (the
 * data version) the ranking only changes when the start or the end passes a stored sample. So an entry
 * keeps the window it was computed for and the first sample after its start and after its end, and
 * answers any later window of the same spec that has not reached either.
 */

interface Entry {
	start: number;
	end: number;
	/** The window's start must stay before this (the next base), its end before `endHorizon`. */
	startHorizon: number;
	endHorizon: number;
	rows: MoverRow[];
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

const isAnswering = (entry: Entry, start: number, end: number) =>
	entry.start <= start && start < entry.startHorizon && entry.end <= end && end < entry.endHorizon;

async function rankMovers(db: Db, spec: MoversSpec): Promise<Entry> {
	const horizon = await readMoversHorizon(db, spec.start, spec.end);
	return {
		start: spec.start.getTime(),
		end: spec.end.getTime(),
		startHorizon: horizon.nextAfterStart?.getTime() ?? Infinity,
		endHorizon: horizon.nextAfterEnd?.getTime() ?? Infinity,
		rows: await listMovers(db, spec)
	};
}

/** `version`: the data version the caller has read for its whole view, else read here. */
export async function listMoversCached(db: Db, spec: MoversSpec, version?: string): Promise<MoverRow[]> {
	version ??= await readDataVersion(db);
	const start = spec.start.getTime();
	const end = spec.end.getTime();
	const key = `${version}\n${end - start}\n${spec.minBase}\n${spec.limit}`;
	const cache = cacheOf(db);
	const kept = cache.get(key);
	if (kept) {
		// Possibly still being ranked for another view: waited for rather than ranked again, so that
		// fifty views arriving at once on a cold cache cost one ranking, not fifty.
		const entry = await kept.catch(() => undefined);
		if (entry && isAnswering(entry, start, end)) return entry.rows;
	}
	// The version was read first: an entry may be newer than its key, never older.
	const ranking = rankMovers(db, spec);
	cache.delete(key);
	cache.set(key, ranking);
	// A failed ranking is not kept: the next view tries again.
	ranking.catch(() => cache.get(key) === ranking && cache.delete(key));
	for (const oldest of cache.keys()) {
		if (cache.size <= maxEntries) break;
		cache.delete(oldest);
	}
	return (await ranking).rows;
}
