import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

export const batchStates = ['pending', 'claimed', 'done', 'failed'] as const;
export type BatchState = (typeof batchStates)[number];

/**
 * A collection tick split into batches of targets that several workers on one database share: whoever
 * first sees the tick creates its batches (unique per job, tick and index, so a second creator adds
 * nothing), and every worker claims pending ones with FOR UPDATE SKIP LOCKED until none is left. A
 * claim is a lease (claimed_until, renewed while the batch runs): the batch of a worker killed mid-way
 * is claimed again once the lease runs out, or at once by a process of the same host that finds the
 * claimer gone (claimed_by names it, like a run's owner). A done batch is never claimed again.
 */
export const collectionBatches = pgTable(
	'collection_batches',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		job: text('job').notNull(),
		// The tick, as the scheduler names it (node-cron's slot; a one-off run uses its start).
		slot: timestamp('slot', { withTimezone: true }).notNull(),
		batchIndex: integer('batch_index').notNull(),
		targetIds: integer('target_ids').array().notNull(),
		// The time every sample of the tick is stored at, whichever worker and attempt writes it: one
		// poll lines up across targets, and a batch done again rewrites the same samples.
		observedAt: timestamp('observed_at', { withTimezone: true }).notNull(),
		state: text('state', { enum: batchStates }).notNull().default('pending'),
		claimedBy: text('claimed_by'),
		claimedUntil: timestamp('claimed_until', { withTimezone: true }),
		attempts: integer('attempts').notNull().default(0),
		lastError: text('last_error'),
		finishedAt: timestamp('finished_at', { withTimezone: true })
	},
	(t) => [
		unique('collection_batches_job_slot_batch_uq').on(t.job, t.slot, t.batchIndex),
		check('collection_batches_state_ck', sql`${t.state} in ('pending', 'claimed', 'done', 'failed')`)
	]
);
