import type { Db } from '../db/client.js';
import { listSeriesWindow, type SeriesWindow } from '../db/queries/series-points.js';
import { dayMs, defaultSettings } from '../metrics/forecast.js';

/**
 * The daily points a forecast needs, ending at `end`: the overview cards' ETAs and the `eta` alert
 * rules read them here. A daily read the caller already holds (a card's sparkline) is reused when it
 * holds what the forecast looks at (a year of deltas for its rate-wander estimate, or the whole
 * history when the series has no sample before that read), so a year-long window costs no extra read;
 * otherwise one bounded read of about a year of daily buckets.
 */
export async function listRecentDailyPoints(db: Db, seriesId: number, end: Date, sparklineRead?: SeriesWindow): Promise<[number, number][]> {
	if (sparklineRead && holdsLookback(sparklineRead)) return sparklineRead.points.map((p) => [p.tMs, p.value]);
	// A day more than the look-back gives the first delta its starting value.
	const fromMs = end.getTime() - (defaultSettings.wanderDays + 1) * dayMs;
	const read = await listSeriesWindow(db, seriesId, { from: new Date(fromMs), to: new Date(end.getTime() + 1), interval: 'day' });
	return read.points.map((p) => [p.tMs, p.value]);
}

function holdsLookback(read: SeriesWindow): boolean {
	const first = read.points[0];
	const last = read.points.at(-1);
	if (!first || !last) return false;
	return read.baseline === undefined || first.tMs <= last.tMs - defaultSettings.wanderDays * dayMs;
}
