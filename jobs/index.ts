/**
 * The one entry into collection. The server hook, the worker and the CLIs import this module only;
 * routes reach collection through event.locals.collection (the Collection interface, src/lib/types).
 */
import { startDeliveryLoop } from '../src/lib/server/outbox/delivery-loop.js';
import { getDeliveryDeps } from '../src/lib/server/outbox/delivery-deps.js';
import type { Collection } from '../src/lib/types/collection.js';
import { describeCredentials } from './credentials.js';
import { InFlight } from './in-flight.js';
import { getCollectionHealth } from './health/runs.js';
import { watchBackfills } from './health/metrics.js';
import { getHealthView } from './health/summary.js';
import { listScheduledJobs, startScheduler, type JobContext, type Scheduler } from './scheduler.js';
import { addTarget, removeTarget } from './targets.js';

export { describeCredentials } from './credentials.js';
export { getCollector, listCollectors, type CollectorEntry, type CollectorRunOptions } from './registry.js';
export type { RunReport } from './collectors/run.js';
export type { JobContext } from './scheduler.js';

export interface CollectionOptions {
	/** Run the collectors and the alerts job on their cron expressions. */
	schedule: boolean;
	/** With schedule: run at once each job that missed a tick while nothing was running. */
	catchUp: boolean;
}

const notScheduled: Scheduler = { names: [], caughtUp: Promise.resolve([]), listRunning: () => [], stop: async () => {} };

/**
 * Starts the background work of a long-running process on a store: the schedules (unless told not
 * to), the delivery loop of alert notifications (always: an import through the API queues them even
 * where nothing is scheduled) and what routes ask of it. stop() aborts the scheduled runs, the checks
 * of targets being added and the deliveries in flight, and resolves once they have closed their
 * records: only then may the database be closed.
 */
export function startCollection(context: Omit<JobContext, 'kickDeliveries'>, options: CollectionOptions): Collection {
	const { config, db } = context;
	const deliveries = startDeliveryLoop(db, getDeliveryDeps(config));
	const jobContext: JobContext = { ...context, kickDeliveries: deliveries.kick };
	const scheduler = options.schedule ? startScheduler(jobContext, listScheduledJobs(config), { catchUp: options.catchUp }) : notScheduled;
	const stopping = new AbortController();
	const checks = new InFlight();
	watchBackfills(db);
	return {
		names: scheduler.names,
		caughtUp: scheduler.caughtUp,
		listRunning: () => [...scheduler.listRunning(), ...checks.list(), ...deliveries.listRunning()],
		async stop() {
			stopping.abort();
			await Promise.all([scheduler.stop(), checks.idle(), deliveries.stop()]);
			watchBackfills(undefined);
		},
		kickDeliveries: deliveries.kick,
		addTarget: (ref) => checks.track(`check of ${ref.source}:${ref.key}`, () => addTarget(db, config, ref, stopping.signal)),
		removeTarget: (ref) => removeTarget(db, ref),
		readCollectorHealth: (now, perCollector, version) => getCollectionHealth(db, config, now, perCollector, version),
		readHealth: (now) => getHealthView(db, config, now),
		describeCredentials: () => describeCredentials(config)
	};
}
