import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import { afterSamplesWritten } from '../src/lib/server/alerts/after-write.js';
import { runAlerts } from '../src/lib/server/alerts/run.js';
import { runMissedJobs } from './catch-up.js';
import { abandonedRunMs } from './collectors/run.js';
import { createLeaseCoordinator } from './lease-coordinator.js';
import { collectors } from './registry.js';

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

/**
 * The scheduled jobs: every registered collector on its cron expression from the configuration, then
 * the alerts job. The server (`npm start`) and the worker (`npm run worker`) both start them.
 */
export function listScheduledJobs(config: Config): ScheduledJob[] {
	const collecting = collectors.map(
		(entry): ScheduledJob => ({
			name: entry.name,
			cron: entry.cron(config),
			// The samples a run changed are judged at once. A run that changed none leaves what time alone
			// changes (stale data, due notifications) to the alerts job below.
			run: async ({ db }) => {
				const report = await entry.run(db, config);
				await afterSamplesWritten(db, config, { changedSamples: report.changedSamples });
			}
		})
	);
	// A schedule of its own for what time alone changes: stale data, repeats, retried deliveries.
	const alerting: ScheduledJob = { name: 'alerts', cron: config.alerts.cron, run: async ({ db }) => void (await runAlerts(db, config)) };
	return [...collecting, alerting];
}

export interface Scheduler {
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
export function startScheduler(context: JobContext, jobs: readonly ScheduledJob[], options: { catchUp?: boolean } = {}): Scheduler {
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
