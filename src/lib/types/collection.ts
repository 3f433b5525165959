import type { TargetRef } from '../refs.js';
import type { CollectorHealth, HealthView } from './health.js';
import type { AddTargetResult } from './targets.js';

/**
 * Collection as the app sees it. jobs/index.ts starts it (startCollection) in the server hook, which
 * hands it to routes as event.locals.collection: routes never import jobs/.
 */
export interface Collection {
	/** The scheduled jobs (collectors and the alerts job); empty when scheduling is off. */
	names: string[];
	/** The jobs run at start because they missed a tick (empty without catch-up); settles when they end. */
	caughtUp: Promise<string[]>;
	/** What is running now (jobs by name, checks of added targets, deliveries), for the log of a slow shutdown. */
	listRunning(): string[];
	/**
	 * Takes no new run, aborts the running ones at their next request (their run records closed as
	 * interrupted) and the deliveries in flight (given back to the outbox), and resolves when they have
	 * ended: then the database may be closed.
	 */
	stop(): Promise<void>;
	/** Notifications were queued (an import's evaluation): the delivery loop sends them, unawaited. */
	kickDeliveries(): void;
	/**
	 * Adds a target after checking it with its source's collector: only a target the source answered
	 * for is kept. Adding a tracked target changes nothing; adding a removed one tracks it again.
	 */
	addTarget(ref: TargetRef): Promise<AddTargetResult>;
	/** Removes a target with its series and samples; false when there was none. */
	removeTarget(ref: TargetRef): Promise<boolean>;
	/**
	 * Each collector's schedule, last `perCollector` runs (default 10), last success and overdue flag.
	 * `version`, the data version the caller read, lets callers of one version share one read.
	 */
	readCollectorHealth(now: Date, perCollector?: number, version?: string): Promise<CollectorHealth[]>;
	/** Everything the /health page shows. */
	readHealth(now: Date): Promise<HealthView>;
	/** What an operator should know about missing credentials, said once at start-up. */
	describeCredentials(): string[];
}
