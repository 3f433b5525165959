import { sql } from 'drizzle-orm';
import { boolean, check, integer, jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import type { NotificationChannels } from '../../../types/alerts.js';
import type { ScheduledReportContent } from '../../../types/report-schedules.js';
import { deliveryColumns, deliveryConstraints } from './alerts.js';

/**
 * Scheduled reports: a saved report (series or patterns, a period preset) sent on a cron (UTC) to
 * webhooks and e-mail addresses; each tick's send, with what it said; and its deliveries, an outbox
 * like the alerts' (same columns, same deliverer).
 */
export const reportSchedules = pgTable(
	'report_schedules',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		name: text('name').notNull(),
		// Series references or patterns as a report takes them: `github:moby/moby:stars`, `dockerhub:library/*:pulls`.
		series: jsonb('series').$type<string[]>().notNull(),
		// A period preset, resolved at each tick (report-schedules/period.ts).
		period: text('period').notNull(),
		// A node-cron expression, in UTC.
		cron: text('cron').notNull(),
		channels: jsonb('channels').$type<NotificationChannels>().notNull().default({ webhooks: [], emails: [] }),
		isEnabled: boolean('is_enabled').notNull().default(true),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('report_schedules_period_ck', sql`${t.period} in ('last-7-days', 'last-30-days', 'month-to-date', 'previous-month', 'year-to-date')`)]
);

/** One tick of a schedule: unique, so that several instances send a tick once. */
export const reportSends = pgTable(
	'report_sends',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		scheduleId: integer('schedule_id')
			.notNull()
			.references(() => reportSchedules.id, { onDelete: 'cascade' }),
		tickAt: timestamp('tick_at', { withTimezone: true }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		// What was sent: the period, the growth table, statements, milestone ETAs and anomalies.
		content: jsonb('content').$type<ScheduledReportContent>().notNull()
	},
	// The unique key's index also serves a schedule's latest sends (read backwards).
	(t) => [unique('report_sends_schedule_tick_uq').on(t.scheduleId, t.tickAt)]
);

/** One send to one channel; the columns of alert_deliveries, so that one deliverer serves both. */
export const reportDeliveries = pgTable(
	'report_deliveries',
	{
		id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
		sendId: integer('send_id')
			.notNull()
			.references(() => reportSends.id, { onDelete: 'cascade' }),
		...deliveryColumns()
	},
	(t) => [unique('report_deliveries_send_destination_uq').on(t.sendId, t.channel, t.destination), ...deliveryConstraints('report_deliveries', t)]
);
