import cron from 'node-cron';

/**
 * When a schedule's cron expression (UTC, five fields: minutes are its finest grain) fires. The reports
 * job looks every minute for the latest tick since it last looked, so a tick missed while no process
 * ran (or while one was busy) is still sent, once.
 */

const minuteMs = 60_000;
const dayMs = 86_400_000;
/** How far back a tick is still worth sending: a week-old weekly report is news no more. */
export const maxCatchUpMs = 7 * dayMs;

function withTask<T>(expression: string, use: (task: ReturnType<typeof cron.createTask>) => T): T {
	const task = cron.createTask(expression, () => {}, { timezone: 'UTC' });
	try {
		return use(task);
	} finally {
		void task.destroy();
	}
}

/**
 * The latest minute in (afterMs, upToMs] the expression matches, or undefined, at most maxCatchUpMs
 * back. Only the minutes the expression's minute and hour fields allow are tried, latest first, each
 * day back (a match costs about 25 µs: trying every minute of a week would hold the event loop for a
 * quarter of a second per schedule); `match` decides the day fields, with cron's day-of-month or
 * day-of-week rule.
 */
export function findLatestTick(expression: string, afterMs: number, upToMs: number): number | undefined {
	const { minute, hour } = cron.parse(expression);
	const minutes = [...minute].sort((a, b) => b - a);
	const hours = [...hour].sort((a, b) => b - a);
	const lowest = Math.max(afterMs, upToMs - maxCatchUpMs);
	return withTask(expression, (task) => {
		for (let day = Math.floor(upToMs / dayMs) * dayMs; day + dayMs > lowest; day -= dayMs) {
			for (const h of hours) {
				for (const m of minutes) {
					const t = day + h * 3_600_000 + m * minuteMs;
					if (t > upToMs) continue;
					if (t <= lowest) return undefined;
					if (task.match(new Date(t))) return t;
				}
			}
		}
		return undefined;
	});
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
