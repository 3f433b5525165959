import cron from 'node-cron';

/**
 * The time between two runs of a cron expression (UTC), from its next two runs after now (node-cron
 * finds runs from the clock only, so there is no other instant to start from). Asked on every health
 * read and page view (collector freshness), and node-cron finds runs by stepping through dates with
 * Intl, which is slow: so each expression's answer is kept until the first of those runs has passed,
 * before which the next two runs, and so the answer, cannot change.
 */
// Keyed by expression: the configured schedules, a handful.
const kept = new Map<string, { firstRunMs: number; intervalMs: number }>();

export function getScheduleIntervalMs(expression: string): number {
	const known = kept.get(expression);
	if (known && Date.now() < known.firstRunMs) return known.intervalMs;
	const task = cron.createTask(expression, () => {}, { timezone: 'UTC' });
	try {
		const [first, second] = task.getNextRuns(2);
		if (!first || !second) throw new Error(`cron expression ${expression} has no next two runs`);
		const intervalMs = second.getTime() - first.getTime();
		kept.set(expression, { firstRunMs: first.getTime(), intervalMs });
		return intervalMs;
	} finally {
		void task.destroy();
	}
}
