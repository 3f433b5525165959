import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { RuleCondition } from '../../alerts/rules.js';
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
