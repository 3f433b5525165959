import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Which instance runs each scheduled job, so that several servers or workers on one database fire a
 * job once per tick and never run it twice at once: a tick is claimed only when it is newer than the
 * last claimed one and the previous run has finished (or its lease has run out after a crash).
 */
export const jobLeases = pgTable('job_leases', {
	job: text('job').primaryKey(),
	slot: timestamp('slot', { withTimezone: true }).notNull(),
	holder: text('holder').notNull(),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
});
