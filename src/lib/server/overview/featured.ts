import { parseSeriesRef, type SeriesRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { getAppState } from '../db/queries/app-state.js';
import { memoUnderVersion } from '../cache/version-memo.js';

/**
 * The headline series: the list a configuration file stored (app_state 'featured'), else FEATURED_SERIES.
 * A stored reference that no longer parses is left out rather than breaking the overview. With the
 * data version the caller read, the stored list is read once per version for all callers.
 */
export async function readFeaturedSeries(db: Db, fallback: readonly SeriesRef[], version?: string): Promise<readonly SeriesRef[]> {
	const read = () => getAppState(db, 'featured');
	const stored = await (version === undefined ? read() : memoUnderVersion(db, 'featured', version, read));
	if (!Array.isArray(stored)) return fallback;
	const refs: SeriesRef[] = [];
	for (const text of stored) {
		const parsed = typeof text === 'string' ? parseSeriesRef(text) : undefined;
		if (parsed?.ok) refs.push(parsed.value);
	}
	return refs;
}
