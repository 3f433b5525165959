import cron from 'node-cron';

/**
 * When a schedule's cron expression (UTC, five fields: minutes are its finest grain) fires. The reports
 * job looks every minute for the latest tick since it last looked, so a tick missed while no process
 * ran (or while one was busy) is still sent, once.
 */

const minuteMs = 60_000;
/** How far back a tick is still worth sending: a week-old weekly report is news no more. */
export const maxCatchUpMs = 7 * 86_400_000;

/**
 * The latest minute in (afterMs, upToMs] the expression matches, or undefined. Scans back minute by
 * minute (about 25 µs each), so callers bound the span: maxCatchUpMs is 10,080 minutes at most.
 */
export function findLatestTick(expression: string, afterMs: number, upToMs: number): number | undefined {
	return withTask(expression, (task) => {
		const lowest = Math.max(afterMs, upToMs - maxCatchUpMs);
		for (let t = Math.floor(upToMs / minuteMs) * minuteMs; t > lowest; t -= minuteMs) {
			if (task.match(new Date(t))) return t;
		}
		return undefined;
	});
}

function withTask<T>(expression: string, use: (task: ReturnType<typeof cron.createTask>) => T): T {
	const task = cron.createTask(expression, () => {}, { timezone: 'UTC' });
	try {
		return use(task);
	} finally {
		void task.destroy();
	}
}

/** The next tick from now, for the page. */
export function findNextTick(expression: string): number | undefined {
	// getNextRun() answers null for a task that was never started; getNextRuns does not.
	return withTask(expression, (task) => task.getNextRuns(1)[0]?.getTime());
}

/** Why an expression cannot be a report's schedule, or undefined when it can. */
export function findCronProblem(expression: string): string | undefined {
	const fields = expression.trim().split(/\s+/);
	if (fields.length !== 5) return 'expected five fields (minute hour day-of-month month day-of-week), e.g. "0 8 * * 1" for Mondays at 08:00 UTC';
	if (!cron.validate(expression)) return `"${expression}" is not a valid cron expression`;
	const [first, second] = withTask(expression, (task) => task.getNextRuns(2));
	if (first && second && second.getTime() - first.getTime() < 3_600_000) return 'a report is sent at most once an hour';
	return undefined;
}
