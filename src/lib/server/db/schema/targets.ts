import { sql } from 'drizzle-orm';
import {
	boolean,
	check,
	integer,
	jsonb,
	pgTable,
	text,
	timestamp,
	uniqueIndex
} from 'drizzle-orm/pg-core';

export const targetStatuses = ['ok', 'failing', 'not_found'] as const;
export type TargetStatus = (typeof targetStatuses)[number];

/** A tracked thing: a Docker Hub image or namespace, a GitHub repository, an ecosystem query. */
export const targets = pgTable(
	'targets',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		source: text('source').notNull(),
		key: text('key').notNull(),
		displayName: text('display_name').notNull(),
		addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
		isActive: boolean('is_active').notNull().default(true),
		// Source-specific facts that are not time series (Docker Hub last_updated, latest release...).
		metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
		// What the last collection found: ok, failing (with the reason) or not_found at the source.
		status: text('status', { enum: targetStatuses }).notNull().default('ok'),
		statusMessage: text('status_message'),
		lastCollectedAt: timestamp('last_collected_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('targets_source_key_uq').on(t.source, t.key),
		check('targets_status_ck', sql`${t.status} in ('ok', 'failing', 'not_found')`)
	]
);

/** One metric of one target over time. */
export const series = pgTable(
	'series',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		targetId: integer('target_id')
			.notNull()
			.references(() => targets.id, { onDelete: 'cascade' }),
		metric: text('metric').notNull(),
		unit: text('unit').notNull(),
		// counter: cumulative, only meant to grow (pulls, stars); gauge: goes up and down (open issues).
		kind: text('kind', { enum: ['counter', 'gauge'] }).notNull(),
		// How the series' numbers were obtained, where that needs saying (reconstruction method, caveats).
		note: text('note'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		// Observed samples before this time (a UTC midnight) have been compacted to one per UTC day
		// (retention/compact.ts): raw reads say so. Null until the series is first compacted. It only
		// moves forward: compacted days are never expanded again.
		compactedUntil: timestamp('compacted_until', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('series_target_metric_uq').on(t.targetId, t.metric),
		check('series_kind_ck', sql`${t.kind} in ('counter', 'gauge')`)
	]
);
