import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import { listCollectorSchedules, type CollectorName } from './schedules.js';
import { collectDockerHub } from './collectors/dockerhub/collect.js';
import { backfillEcosystem } from './collectors/ecosystem/backfill.js';
import { collectEcosystem } from './collectors/ecosystem/collect.js';
import { collectGithub, collectGithubContributors } from './collectors/github/collect.js';
import { backfillGithub } from './collectors/github/backfill/backfill.js';
import { backfillContributorHistory } from './collectors/github/contributor-history.js';
import { abandonedRunMs } from './collectors/run.js';
import { runMissedJobs } from './catch-up.js';
import { createLeaseCoordinator } from './coordinator.js';
import { runAlerts } from '../src/lib/server/alerts/run.js';

/** What a scheduled job receives: the validated configuration and the database. */
export interface JobContext {
	config: Config;
	db: Db;
}

export interface ScheduledJob {
	/** Unique; no colon (it prefixes the coordinator's keys). */
	name: string;
	/** A node-cron expression (seconds optional), in UTC. */
	cron: string;
	run(context: JobContext): Promise<void>;
}

const collectors: Record<CollectorName, (db: Db, config: Config) => Promise<unknown>> = {
	dockerhub: collectDockerHub,
	github: collectGithub,
	'github-contributors': collectGithubContributors,
	'github-backfill': backfillGithub,
	'github-contributor-history': backfillContributorHistory,
	ecosystem: collectEcosystem,
	'ecosystem-backfill': backfillEcosystem
};

/**
 * The one table of scheduled jobs, with their cron expressions from the configuration. The server
 * (`npm start`) and the worker (`npm run worker`) both start it.
 */
export function listScheduledJobs(config: Config): ScheduledJob[] {
	const collecting = listCollectorSchedules(config).map(
		(schedule): ScheduledJob => ({
			name: schedule.collector,
			cron: schedule.cron,
			// Alerts are evaluated after every run, so that new samples are judged at once.
			run: async ({ db }) => {
				await collectors[schedule.collector](db, config);
				await runAlerts(db, config);
			}
		})
	);
	// And on their own schedule, for what time alone changes: stale data, repeats, retried deliveries.
	const alerting: ScheduledJob = { name: 'alerts', cron: config.alerts.cron, run: async ({ db }) => void (await runAlerts(db, config)) };
	return [...collecting, alerting];
}

export interface Schedules {
	names: string[];
	/** The jobs run at start because they missed a tick (empty without catch-up); settles when they end. */
	caughtUp: Promise<string[]>;
	stop(): Promise<void>;
}

/**
 * Starts every job on its cron expression. noOverlap: a run still going when the next tick comes makes
 * that tick skip rather than run the job twice at once. Several instances on one database fire each
 * tick once, through the lease coordinator. A failing run is logged and the next tick runs again; it
 * never stops the scheduler.
 */
export function startSchedules(
	context: JobContext,
	jobs: readonly ScheduledJob[] = listScheduledJobs(context.config),
	options: { catchUp?: boolean } = {}
): Schedules {
	const runCoordinator = createLeaseCoordinator(context.db);
	const runLogged = (job: ScheduledJob) => async () => {
		try {
			await job.run(context);
		} catch (error) {
			console.error(`job ${job.name} failed: ${(error as Error).stack ?? String(error)}`);
		}
	};
	const tasks: ScheduledTask[] = jobs.map((job) =>
		cron.schedule(job.cron, runLogged(job), {
			name: job.name,
			noOverlap: true,
			timezone: 'UTC',
			distributed: true,
			runCoordinator,
			distributedLease: abandonedRunMs
		})
	);
	const catchUpJobs = jobs.map((job) => ({ name: job.name, cron: job.cron, run: runLogged(job) }));
	const caughtUp = options.catchUp
		? runMissedJobs(context.db, catchUpJobs, runCoordinator, abandonedRunMs).catch((error: Error) => {
				console.error(`catching up on missed runs failed: ${error.stack ?? String(error)}`);
				return [];
			})
		: Promise.resolve([]);
	return {
		names: jobs.map((job) => job.name),
		caughtUp,
		async stop() {
			await Promise.all(tasks.map((task) => task.destroy()));
		}
	};
}
