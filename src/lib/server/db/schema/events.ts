import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { targets } from './targets.js';

export const eventKinds = ['release', 'manual'] as const;
export type EventKind = (typeof eventKinds)[number];

/**
 * Something that happened to a target at one time (a release, a note added by hand), drawn on its
 * charts as a marker. The unique key makes writes idempotent: a backfill that reads the same release
 * twice stores it once.
 */
export const events = pgTable(
	'events',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		targetId: integer('target_id')
			.notNull()
			.references(() => targets.id, { onDelete: 'cascade' }),
		ts: timestamp('ts', { withTimezone: true }).notNull(),
		kind: text('kind', { enum: eventKinds }).notNull(),
		// What the marker says: a release's tag, a manual note's text.
		label: text('label').notNull(),
		url: text('url')
	},
	(t) => [
		uniqueIndex('events_target_kind_ts_label_uq').on(t.targetId, t.kind, t.ts, t.label),
		// "A target's events in a time range" is the only read; the unique index leads with kind, so it cannot serve it.
		index('events_target_ts_idx').on(t.targetId, t.ts),
		check('events_kind_ck', sql`${t.kind} in ('release', 'manual')`)
	]
);
