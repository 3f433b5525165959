/**
 * Answers about a window that slides with the clock (the overview's movers and headline cards), kept
 * between page views without ever being stale. Such a window cannot be a key by itself, as it moves
 * with every view; but while no write lands (the data version, part of every key) its answer only
 * changes when the window's start or end passes a stored sample. So an entry keeps the window it was
 * computed for and the first sample past its start and past its end, and answers any later window
 * under the same key that has reached neither.
 */

export interface WindowEntry<T> {
	start: number;
	end: number;
	/** The window's start must stay before this, its end before `endHorizon` (Infinity: no sample past it). */
	startHorizon: number;
	endHorizon: number;
	value: T;
}

// A few window choices per data version are all the overview offers; custom windows age out first.
const maxEntries = 16;

/** Per database, per cache name: entries by key, least recently used first. */
const caches = new WeakMap<object, Map<string, Map<string, Promise<WindowEntry<unknown>>>>>();

function cacheOf(db: object, name: string): Map<string, Promise<WindowEntry<unknown>>> {
	let byName = caches.get(db);
	if (!byName) {
		byName = new Map();
		caches.set(db, byName);
	}
	let cache = byName.get(name);
	if (!cache) {
		cache = new Map();
		byName.set(name, cache);
	}
	return cache;
}

const isAnswering = (entry: WindowEntry<unknown>, start: number, end: number) =>
	entry.start <= start && start < entry.startHorizon && entry.end <= end && end < entry.endHorizon;

/**
 * The value kept under `key` (which must hold the data version, read before) when it answers `window`,
 * else what `build` computes for it, kept in its place.
 */
export async function serveSlidingWindow<T>(
	db: object,
	name: string,
	key: string,
	window: { start: Date; end: Date },
	build: () => Promise<WindowEntry<T>>
): Promise<T> {
	const cache = cacheOf(db, name);
	const kept = cache.get(key);
	if (kept) {
		// Possibly still being computed for another view: waited for rather than computed again, so that
		// fifty views arriving at once on a cold cache cost one computation, not fifty.
		const entry = await kept.catch(() => undefined);
		if (entry && isAnswering(entry, window.start.getTime(), window.end.getTime())) return entry.value as T;
	}
	// The version was read first: an entry may be newer than its key, never older.
	const building = build();
	cache.delete(key);
	cache.set(key, building);
	// A failed computation is not kept: the next view tries again.
	building.catch(() => cache.get(key) === building && cache.delete(key));
	for (const oldest of cache.keys()) {
		if (cache.size <= maxEntries) break;
		cache.delete(oldest);
	}
	return (await building).value;
}
