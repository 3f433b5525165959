import { parseSeriesRef, type SeriesRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { getAppState } from '../db/queries/app-state.js';

/**
 * The headline series: the list a configuration file stored (app_state 'featured'), else FEATURED_SERIES.
 * A stored reference that no longer parses is left out rather than breaking the overview.
 */
export async function readFeaturedSeries(db: Db, fallback: readonly SeriesRef[]): Promise<readonly SeriesRef[]> {
	const stored = await getAppState(db, 'featured');
	if (!Array.isArray(stored)) return fallback;
	const refs: SeriesRef[] = [];
	for (const text of stored) {
		const parsed = typeof text === 'string' ? parseSeriesRef(text) : undefined;
		if (parsed?.ok) refs.push(parsed.value);
	}
	return refs;
}
