import { formatSeriesRef, type SeriesRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { listNextSampleTimes } from '../db/queries/values-at.js';
import type { ResolvedWindow } from '../metrics/growth.js';
import { buildHeadlineCards, chooseSparklineInterval, listFeaturedRecords, type HeadlineCard } from './cards.js';
import { serveSlidingWindow, type WindowEntry } from '../cache/sliding-window.js';

/**
 * The headline cards of a window that ends now, kept between page views without ever being stale, as
 * the movers are (cache/sliding-window.ts). Building them reads each featured series three or four
 * times (its values at the window's edges, its sparkline, the days its milestone ETA is forecast from):
 * most of the queries an overview makes. While no write lands, the values at the window's edges only
 * change when an edge passes a stored sample of a featured series. The reads bucketed by day (the
 * sparkline, the ETA's recent days, a year and a day before the end) change with the days their edges
 * fall on, and the explorer links name the window's first and last days: those days are in the key,
 * with the sparkline's interval, which follows the window's length.
 */

const day = (instant: Date) => instant.toISOString().slice(0, 10);

async function buildEntry(db: Db, featured: readonly SeriesRef[], window: ResolvedWindow): Promise<WindowEntry<HeadlineCard[]>> {
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
		value: cards
	};
}

/** The cards of `window` under the data version `version` the caller read. */
export async function listHeadlineCardsCached(db: Db, featured: readonly SeriesRef[], window: ResolvedWindow, version: string): Promise<HeadlineCard[]> {
	if (featured.length === 0) return [];
	const key = [version, featured.map(formatSeriesRef).join(','), day(window.start), day(window.end), chooseSparklineInterval(window)].join('\n');
	return serveSlidingWindow(db, 'headline-cards', key, window, () => buildEntry(db, featured, window));
}
