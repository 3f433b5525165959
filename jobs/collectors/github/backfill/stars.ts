import type { SampleInput } from '../../../../src/lib/server/db/queries/samples.js';

/** Stars a stargazers page holds; the star count at each item follows from its page and position. */
export const starsPerPage = 100;

/** GitHub pages stargazers with dates no further than this (40,000 stars). */
export const maxStarPages = 400;

export const starsHistoryNote =
	'Reconstructed daily from the stargazers list with starred_at: stars still held today, counted at the ' +
	'end of each UTC day (sample at 00:00 UTC of that day) and written only for days with a new star; ' +
	'unstarred stars are not in the history, so earlier values can be lower than were shown at the time. ' +
	'GitHub lists at most 40,000 stargazers with dates, and only to a repository\'s admins and ' +
	'collaborators since July 2026. Observed values count all stars at the time of each poll. Rebuilt ' +
	'values are kept only before the first observed one, so the series switches definition once, there.';

/**
 * The cumulative star count at the end of each UTC day that has a star on this page. GitHub lists
 * stargazers oldest first, so the star at position i of page N is star number (N-1)*100 + i + 1 —
 * a page can be turned into counts without the pages before it. A day that runs on to the next page
 * gets its final count from that page's sample for the same day, which upsertSamples then raises.
 */
export function computeDailyStars(page: number, starredAt: readonly string[]): SampleInput[] {
	const countByDay = new Map<string, number>();
	starredAt.forEach((iso, i) => {
		const day = new Date(iso).toISOString().slice(0, 10);
		const count = (page - 1) * starsPerPage + i + 1;
		countByDay.set(day, Math.max(countByDay.get(day) ?? 0, count));
	});
	return [...countByDay.entries()]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([day, value]) => ({ ts: new Date(`${day}T00:00:00Z`), value }));
}
