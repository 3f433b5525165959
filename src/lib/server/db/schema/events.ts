import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { eventKinds } from '../../../types/events.js';
import { targets } from './targets.js';

// Declared with the types shared with the browser; exported here too, as the column's allowed values.
export { eventKinds, type EventKind } from '../../../types/events.js';

/**
 * Something that happened at one time (a release, a note added by hand), drawn on charts as a marker.
 * A release belongs to a target; a manual event may belong to none ("DockerCon 2015" concerns the
 * whole ecosystem) and is then drawn on every chart. The unique key, with nulls not distinct, makes
 * writes idempotent for both: a backfill that reads the same release twice stores it once.
 */
export const events = pgTable(
	'events',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		targetId: integer('target_id').references(() => targets.id, { onDelete: 'cascade' }),
		ts: timestamp('ts', { withTimezone: true }).notNull(),
		kind: text('kind', { enum: eventKinds }).notNull(),
		// What the marker says: a release's tag, a manual note's text.
		label: text('label').notNull(),
		url: text('url')
	},
	(t) => [
		unique('events_target_kind_ts_label_uq').on(t.targetId, t.kind, t.ts, t.label).nullsNotDistinct(),
		// "A target's events in a time range" is the only read; the unique index leads with kind, so it cannot serve it.
		index('events_target_ts_idx').on(t.targetId, t.ts),
		check('events_kind_ck', sql`${t.kind} in ('release', 'manual')`),
		check('events_release_target_ck', sql`${t.kind} = 'manual' or ${t.targetId} is not null`)
	]
);
