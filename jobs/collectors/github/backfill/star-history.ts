import type { SampleInput } from '../../../../src/lib/server/db/queries/samples.js';
import type { StarHistoryWeek } from './parse.js';

/** GitHub serves star history pages 1 to 100 at most (30 weeks each, about 57 years). */
export const maxStarHistoryPages = 100;

export const starHistoryNote =
	"Reconstructed daily from GitHub's star history (GET /repos/{owner}/{repo}/stargazers/history, " +
	"API version 2026-03-10), which counts the repository's stars by the day each was created: stars " +
	'still held today, summed from the first week to the end of each day (sample at 00:00 UTC of that ' +
	'day) and written only for days with a new star; unstarred stars are not in the history, so earlier ' +
	"values can be lower than were shown at the time. GitHub's week and day boundaries are not promised " +
	'to be UTC. Observed values count all stars at the time of each poll. Rebuilt values are kept only ' +
	'before the first observed one, so the series switches definition once, there.';

const daySeconds = 86_400;
const halfDaySeconds = 43_200;

/**
 * The calendar date GitHub's day i of a week stands for. GitHub's weeks may start at a local midnight
 * rather than a UTC one, so the date is read at the day's midpoint, which falls on the same calendar
 * date in UTC for every offset under 12 hours either way (the far Pacific's +13 and +14 would read
 * the day before).
 */
function computeDayStart(weekSeconds: number, dayIndex: number): Date {
	const midday = new Date((weekSeconds + dayIndex * daySeconds + halfDaySeconds) * 1000);
	return new Date(`${midday.toISOString().slice(0, 10)}T00:00:00Z`);
}

/**
 * The cumulative star count at the end of each day with a new star, oldest first, from all the weeks
 * of a repository's star history (in any order: GitHub pages them newest first). A count needs every
 * older week, so this runs once all pages are read.
 */
export function computeHistoryDailyStars(weeks: readonly StarHistoryWeek[]): SampleInput[] {
	const countByDay = new Map<number, number>();
	let count = 0;
	for (const { week, days } of [...weeks].sort((a, b) => a.week - b.week)) {
		days.forEach((stars, i) => {
			if (stars === 0) return;
			count += stars;
			countByDay.set(computeDayStart(week, i).getTime(), count);
		});
	}
	return [...countByDay.entries()].map(([ms, value]) => ({ ts: new Date(ms), value }));
}
