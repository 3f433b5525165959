import cron from 'node-cron';

/** The time between two runs of a cron expression (UTC), from its next two runs. */
export function getScheduleIntervalMs(expression: string, from = new Date()): number {
	const task = cron.createTask(expression, () => {}, { timezone: 'UTC' });
	try {
		const [first, second] = task.getNextRuns(2);
		if (!first || !second) throw new Error(`cron expression ${expression} has no next runs after ${from.toISOString()}`);
		return second.getTime() - first.getTime();
	} finally {
		void task.destroy();
	}
}
