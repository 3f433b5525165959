import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Config } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import { afterSamplesWritten, evaluateAndKick, type KickDeliveries } from '../src/lib/server/alerts/after-write.js';
import { sendDueReports, type TickCheckpoints } from '../src/lib/server/report-schedules/send-due.js';
import { compactObservedSamples } from '../src/lib/server/retention/compact.js';
import { runMissedJobs } from './catch-up.js';
import { abandonedRunMs } from './collectors/run.js';
import { InFlight } from './in-flight.js';
import { createLeaseCoordinator } from './lease-coordinator.js';
import { collectors } from './registry.js';
import { log } from '../src/lib/server/telemetry/log.js';

/** What a scheduled job receives: the validated configuration, the database and the delivery loop's kick. */
export interface JobContext {
	config: Config;
	db: Db;
	/** Hands what an evaluation queued to the delivery loop; without one, its timer finds them. */
	kickDeliveries?: KickDeliveries;
}

const noKick: KickDeliveries = () => {};

export interface ScheduledJob {
	/** Unique; no colon (it prefixes the coordinator's keys). */
	name: string;
	/** A node-cron expression (seconds optional), in UTC. */
	cron: string;
	/** Runs in every instance at each tick, sharing the work through the database (CollectorEntry.sharesTicks). */
	sharesTicks?: boolean;
	/**
	 * `signal` is aborted when the process stops: the job should end at its next request. `slot`: the
	 * tick (the same instant in every instance).
	 */
	run(context: JobContext, signal: AbortSignal, slot: Date): Promise<void>;
}

/**
 * The scheduled jobs: every registered collector on its cron expression from the configuration, then
 * the alerts job, the scheduled reports' job and the compaction of old samples. The server (`npm start`) and the worker (`npm run worker`) both start them.
 */
export function listScheduledJobs(config: Config): ScheduledJob[] {
	const collecting = collectors.map(
		(entry): ScheduledJob => ({
			name: entry.name,
			cron: entry.cron(config),
			sharesTicks: entry.sharesTicks,
			// The samples a run changed are judged at once; the notifications that queues are sent by the
			// delivery loop, not awaited here, so that a slow receiver never holds the next run. A run that
			// changed none leaves what time alone changes (stale data) to the alerts job below; so does a
			// stopping process (the next run judges what this one wrote).
			run: async ({ db, kickDeliveries }, signal, slot) => {
				const report = await entry.run(db, config, { signal, slot });
				const after = { kickDeliveries: kickDeliveries ?? noKick, maxSeriesPerRule: config.limits.alertPatternMaxSeries };
				if (!signal.aborted) await afterSamplesWritten(db, { changedSamples: report.changedSamples }, after);
			}
		})
	);
	// A schedule of its own for what time alone changes: stale data, repeats. Retries are the delivery loop's.
	const alerting: ScheduledJob = {
		name: 'alerts',
		cron: config.alerts.cron,
		run: async ({ db, kickDeliveries }) =>
			void (await evaluateAndKick(db, { kickDeliveries: kickDeliveries ?? noKick, maxSeriesPerRule: config.limits.alertPatternMaxSeries }))
	};
	// Scheduled reports: each minute, the schedules whose cron fired get their send, delivered by the loop.
	const checkpoints: TickCheckpoints = new Map();
	const reporting: ScheduledJob = {
		name: 'reports',
		cron: '* * * * *',
		run: async ({ db, kickDeliveries }) => {
			if ((await sendDueReports(db, Date.now(), checkpoints)) > 0) (kickDeliveries ?? noKick)();
		}
	};
	return [...collecting, alerting, reporting, ...listRetentionJobs(config)];
}

/**
 * The daily compaction of observed samples older than RAW_RETENTION_DAYS (retention/compact.ts), unless
 * it is off. One instance runs each tick (the lease); a stopping process ends it after the batch in
 * flight, and the next tick (or catch-up at start) goes on from there.
 */
function listRetentionJobs(config: Config): ScheduledJob[] {
	const rawDays = config.retention.rawDays;
	if (rawDays === undefined) return [];
	return [
		{
			name: 'compaction',
			cron: config.retention.cron,
			run: async ({ db }, signal) => {
				const report = await compactObservedSamples(db, { rawDays, now: new Date(), signal });
				log.info(report, `compaction: ${report.samplesRemoved} observed sample(s) before ${report.cutoff} compacted away in ${report.series} series`);
			}
		}
	];
}

export interface Scheduler {
	names: string[];
	/** The jobs run at start because they missed a tick (empty without catch-up); settles when they end. */
	caughtUp: Promise<string[]>;
	/** The jobs running now (by name), for the log of a shutdown that takes too long. */
	listRunning(): string[];
	/**
	 * Takes no new run, aborts the running ones (they end at their next request and close their run
	 * records as interrupted) and resolves once they, catch-up and their lease updates have ended.
	 */
	stop(): Promise<void>;
}

/**
 * The coordinator, refusing every run once stopping, and counting each claimed run as in flight from
 * its claim to the end of its lease: node-cron ends the lease after the job, and the database must
 * still be open then.
 */
function guardCoordinator(coordinator: RunCoordinator, signal: AbortSignal, inFlight: InFlight): RunCoordinator {
	const jobOf = (key: string) => key.slice(0, key.indexOf(':'));
	return {
		async shouldRun(key, ttlMs) {
			if (signal.aborted) return false;
			inFlight.enter(jobOf(key));
			let claimed = false;
			try {
				claimed = await coordinator.shouldRun(key, ttlMs);
				return claimed;
			} finally {
				if (!claimed) inFlight.leave(jobOf(key));
			}
		},
		async onComplete(key) {
			try {
				await coordinator.onComplete?.(key);
			} finally {
				inFlight.leave(jobOf(key));
			}
		}
	};
}

/**
 * Starts every job on its cron expression. noOverlap: a run still going when the next tick comes makes
 * that tick skip rather than run the job twice at once. Several instances on one database fire each
 * tick once, through the lease coordinator; a job that shares its ticks runs in all of them, which
 * split the tick's work in batches. A failing run is logged and the next tick runs again; it
 * never stops the scheduler.
 */
export function startScheduler(context: JobContext, jobs: readonly ScheduledJob[], options: { catchUp?: boolean } = {}): Scheduler {
	const stopping = new AbortController();
	const inFlight = new InFlight();
	const sharedJobs = new Set(jobs.filter((job) => job.sharesTicks).map((job) => job.name));
	const runCoordinator = guardCoordinator(createLeaseCoordinator(context.db, undefined, sharedJobs), stopping.signal, inFlight);
	const runLogged = (job: ScheduledJob) => async (slot: Date) => {
		// A tick claimed just before the stop.
		if (stopping.signal.aborted) return;
		try {
			await job.run(context, stopping.signal, slot);
		} catch (error) {
			log.error({ err: error, job: job.name }, `job ${job.name} failed`);
		}
	};
	const tasks: ScheduledTask[] = jobs.map((job) =>
		cron.schedule(job.cron, (tick) => runLogged(job)(tick.date), {
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
				log.error({ err: error }, 'catching up on missed runs failed');
				return [];
			})
		: Promise.resolve([]);
	return {
		names: jobs.map((job) => job.name),
		caughtUp,
		listRunning: () => inFlight.list(),
		async stop() {
			stopping.abort();
			await Promise.all(tasks.map((task) => task.destroy()));
			await caughtUp;
			await inFlight.idle();
		}
	};
}
