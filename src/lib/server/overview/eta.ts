import type { Db } from '../db/client.js';
import { listSeriesWindow, type SeriesWindow } from '../db/queries/series-points.js';
import { computeForecast, dayMs, defaultSettings, describeMethod } from '../metrics/forecast.js';
import { computeMilestone, computeNextRoundMilestone } from '../metrics/milestone.js';

/**
 * A headline card's milestone ETA: when its counter passes the next round value, read off the same
 * forecast as GET /api/forecast (same method and settings), three years ahead at most.
 */

export interface MilestoneEta {
	value: number;
	method: string;
	/** Expected day (YYYY-MM-DD), or null when the projection stays below the value for the whole horizon. */
	date: string | null;
	/** The 80% interval of that day; `latest` is null when the band's lower edge stays below the value. */
	earliest: string | null;
	latest: string | null;
	horizonYears: number;
}

export const etaHorizonYears = 3;
/** Three years of days, one leap day included. */
const etaHorizonDays = etaHorizonYears * 365 + 1;
/**
 * The daily points the forecast needs, ending at the window's end. The card's sparkline read is
 * reused when it is daily and holds what the forecast looks at (a year of deltas for its rate-wander
 * estimate, or the whole history when the series has no sample before the window), so a year-long
 * window costs no extra read; otherwise one bounded read of about a year of daily buckets.
 */
export async function readEtaPoints(db: Db, seriesId: number, end: Date, sparklineRead: SeriesWindow | undefined): Promise<[number, number][]> {
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

/** The ETA of the next round value above the last point, or null when the series cannot be forecast. */
export function computeMilestoneEta(points: readonly [number, number][]): MilestoneEta | null {
	const result = computeForecast(points, etaHorizonDays);
	if (!result.ok) return null;
	const value = computeNextRoundMilestone(result.forecast.originValue);
	const milestone = computeMilestone(result.forecast, value);
	const base = { value, method: describeMethod(), horizonYears: etaHorizonYears };
	if (milestone.date === null) return { ...base, date: null, earliest: null, latest: null };
	return { ...base, date: milestone.date, earliest: milestone.earliest, latest: milestone.latest };
}
