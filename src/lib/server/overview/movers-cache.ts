import type { Db } from '../db/client.js';
import { readDataVersion } from '../db/queries/data-version.js';
import { listMovers, readMoversHorizon, type MoverRow, type MoversSpec } from '../db/queries/movers.js';
import { serveSlidingWindow, type WindowEntry } from '../cache/sliding-window.js';

/**
 * The movers of a window that ends now, kept between page views without ever being stale
 * (cache/sliding-window.ts). The overview ranks every series, which probes each one's base value: the
 * costliest part of the page. While no write lands, the ranking only changes when the window's start
 * or end passes a stored sample of any series.
 */

async function rankMovers(db: Db, spec: MoversSpec): Promise<WindowEntry<MoverRow[]>> {
	const horizon = await readMoversHorizon(db, spec.start, spec.end);
	return {
		start: spec.start.getTime(),
		end: spec.end.getTime(),
		startHorizon: horizon.nextAfterStart?.getTime() ?? Infinity,
		endHorizon: horizon.nextAfterEnd?.getTime() ?? Infinity,
		value: await listMovers(db, spec)
	};
}

/** `version`: the data version the caller has read for its whole view, else read here. */
export async function listMoversCached(db: Db, spec: MoversSpec, version?: string): Promise<MoverRow[]> {
	version ??= await readDataVersion(db);
	const key = `${version}\n${spec.end.getTime() - spec.start.getTime()}\n${spec.minBase}\n${spec.limit}`;
	return serveSlidingWindow(db, 'movers', key, spec, () => rankMovers(db, spec));
}
