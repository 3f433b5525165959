import { computeForecast, describeMethod } from '../metrics/forecast.js';
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
