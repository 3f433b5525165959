import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { NotificationChannels, RuleCondition } from '../../../types/alerts.js';
import { series } from './targets.js';

/**
 * Alert rules, the alert of each rule on each series it matches, and the history of both (every state
 * change and every notification). The scope is kept as the pattern's three parts so that one
 * statement can match every rule with its series.
 */
export const alertRules = pgTable(
	'alert_rules',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		name: text('name').notNull(),
		// As written: `github:moby/moby:stars`, `*:*:pulls`, `dockerhub:library/*:pulls`.
		scope: text('scope').notNull(),
		// The scope's parts; '*' in source or metric matches any, a key with '*' is a pattern.
		scopeSource: text('scope_source').notNull(),
		scopeKey: text('scope_key').notNull(),
		scopeMetric: text('scope_metric').notNull(),
		condition: jsonb('condition').$type<RuleCondition>().notNull(),
		pendingEvaluations: integer('pending_evaluations').notNull().default(0),
		repeatIntervalMinutes: integer('repeat_interval_minutes'),
		noData: text('no_data').notNull().default('keep'),
		snoozedUntil: timestamp('snoozed_until', { withTimezone: true }),
		// Where its notifications go: webhooks (JSON or Slack-compatible text) and e-mail addresses.
		channels: jsonb('channels').$type<NotificationChannels>().notNull().default({ webhooks: [], emails: [] }),
		isEnabled: boolean('is_enabled').notNull().default(true),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check('alert_rules_no_data_ck', sql`${t.noData} in ('keep', 'unmet', 'met')`),
		check('alert_rules_pending_ck', sql`${t.pendingEvaluations} >= 0`)
	]
);

export const alertInstances = pgTable(
	'alert_instances',
	{
		ruleId: integer('rule_id')
			.notNull()
			.references(() => alertRules.id, { onDelete: 'cascade' }),
		seriesId: integer('series_id')
			.notNull()
			.references(() => series.id, { onDelete: 'cascade' }),
		state: text('state').notNull().default('normal'),
		pendingCount: integer('pending_count').notNull().default(0),
		notifiedAt: timestamp('notified_at', { withTimezone: true }),
		firingSince: timestamp('firing_since', { withTimezone: true }),
		// The value judged, and when, at the evaluation that last moved the state; an alert whose state
		// does not move is not rewritten (app_state 'alerts_evaluated_at' holds the last evaluation).
		lastValue: doublePrecision('last_value'),
		evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull()
	},
	(t) => [
		primaryKey({ name: 'alert_instances_pk', columns: [t.ruleId, t.seriesId] }),
		check('alert_instances_state_ck', sql`${t.state} in ('normal', 'pending', 'firing', 'resolved')`)
	]
);

export const alertEvents = pgTable(
	'alert_events',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		ruleId: integer('rule_id')
			.notNull()
			.references(() => alertRules.id, { onDelete: 'cascade' }),
		seriesId: integer('series_id')
			.notNull()
			.references(() => series.id, { onDelete: 'cascade' }),
		at: timestamp('at', { withTimezone: true }).notNull(),
		fromState: text('from_state').notNull(),
		toState: text('to_state').notNull(),
		// firing, repeat or resolved when the step asked for a notification.
		notify: text('notify'),
		value: doublePrecision('value')
	},
	(t) => [index('alert_events_rule_at_idx').on(t.ruleId, t.at.desc()), index('alert_events_at_idx').on(t.at.desc())]
);

export const deliveryStatuses = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * The columns of every outbox table (alert_deliveries, report_deliveries), after the one naming what
 * is sent: one deliverer serves them all (lib/server/outbox).
 */
export const deliveryColumns = () => ({
	// 'webhook' or 'email', and the URL or address it goes to.
	channel: text('channel').notNull(),
	destination: text('destination').notNull(),
	format: text('format').notNull().default('json'),
	status: text('status').notNull().default('pending'),
	attempts: integer('attempts').notNull().default(0),
	nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
	// Every attempt: when, and what came back (an HTTP status or an error message).
	log: jsonb('log').$type<{ at: string; ok: boolean; detail: string }[]>().notNull().default([])
});

/** The index the deliverer claims by, and the checks, of an outbox table. */
export function deliveryConstraints(table: string, t: { status: AnyPgColumn; nextAttemptAt: AnyPgColumn; channel: AnyPgColumn }) {
	return [
		index(`${table}_due_idx`).on(t.status, t.nextAttemptAt),
		check(`${table}_status_ck`, sql`${t.status} in ('pending', 'sent', 'failed')`),
		check(`${table}_channel_ck`, sql`${t.channel} in ('webhook', 'email')`)
	];
}

/**
 * One notification to one channel: an outbox row written in the evaluation's transaction, then sent
 * (and retried with backoff) by the deliverer. The unique key makes a notification go to a channel
 * once, however often the deliverer runs.
 */
export const alertDeliveries = pgTable(
	'alert_deliveries',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		eventId: integer('event_id')
			.notNull()
			.references(() => alertEvents.id, { onDelete: 'cascade' }),
		...deliveryColumns()
	},
	(t) => [unique('alert_deliveries_event_destination_uq').on(t.eventId, t.channel, t.destination), ...deliveryConstraints('alert_deliveries', t)]
);
