import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { runStatuses, type RunFailure } from '../../../types/health.js';

// Declared with the health view that shows them (browser code may not import lib/server).
export { runStatuses, type RunFailure, type RunStatus } from '../../../types/health.js';

/** One execution of a collector, written at start and completed at the end. */
export const collectionRuns = pgTable(
	'collection_runs',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		collector: text('collector').notNull(),
		startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
		finishedAt: timestamp('finished_at', { withTimezone: true }),
		status: text('status', { enum: runStatuses }).notNull().default('running'),
		targetsDone: integer('targets_done').notNull().default(0),
		targetsFailed: integer('targets_failed').notNull().default(0),
		failures: jsonb('failures').$type<RunFailure[]>().notNull().default([]),
		requestsMade: integer('requests_made').notNull().default(0),
		rateBudgetLeft: integer('rate_budget_left'),
		/**
		 * The process running it (formatProcessOwner: host, pid, start time, boot, instance), so that a
		 * run its process left open (kill -9, OOM kill) is closed at the next start; null on older rows.
		 */
		owner: text('owner')
	},
	(t) => [
		index('collection_runs_collector_started_idx').on(t.collector, t.startedAt.desc()),
		// What every start reads: the few runs still open, among all the runs ever recorded.
		index('collection_runs_running_idx').on(t.id).where(sql`${t.status} = 'running'`),
		check('collection_runs_status_ck', sql`${t.status} in ('running', 'ok', 'partial', 'failed', 'interrupted')`)
	]
);
