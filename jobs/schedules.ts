import cron from 'node-cron';
import type { Config } from '../src/lib/server/config.js';

/**
 * Which collector runs when: the one list both the scheduler (jobs/schedule.ts, which adds what each
 * runs) and the collection-health view read. Names are unique and hold no colon.
 */
export type CollectorName =
	| 'dockerhub'
	| 'github'
	| 'github-contributors'
	| 'github-backfill'
	| 'github-contributor-history'
	| 'ecosystem'
	| 'ecosystem-backfill';

export interface CollectorSchedule {
	collector: CollectorName;
	cron: string;
}

export function listCollectorSchedules(config: Config): CollectorSchedule[] {
	return [
		{ collector: 'dockerhub', cron: config.dockerhub.cron },
		{ collector: 'github', cron: config.github.cron },
		{ collector: 'github-contributors', cron: config.github.contributorsCron },
		{ collector: 'ecosystem', cron: config.ecosystem.cron },
		{ collector: 'github-backfill', cron: config.backfillCron },
		{ collector: 'github-contributor-history', cron: config.backfillCron },
		{ collector: 'ecosystem-backfill', cron: config.backfillCron }
	];
}

/** The time between two runs of a cron expression, from its next two runs after `from`. */
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

/** What an operator should know about the collectors' credentials, said once at start-up. */
export function describeCredentials(config: Config): string[] {
	const notes: string[] = [];
	if (!config.github.token) {
		notes.push('GitHub: no GITHUB_TOKEN, so collection runs within the anonymous limit of 60 requests an hour');
	}
	if (!config.dockerhub.token) notes.push('Docker Hub: no credentials, public repositories only, at the anonymous rate limit');
	return notes;
}
