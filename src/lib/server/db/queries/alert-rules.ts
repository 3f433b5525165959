import { eq, sql } from 'drizzle-orm';
import type { NotificationChannels, RuleCondition } from '../../../types/alerts.js';
import { queryRows, type Db } from '../client.js';
import { seriesMatchesScope, targetMatchesScope } from './alert-scope.js';
import { alertRules } from '../schema/index.js';

export type AlertRule = typeof alertRules.$inferSelect;
export type NewAlertRule = typeof alertRules.$inferInsert;

/** Stores a rule; returns its id. */
export async function insertAlertRule(db: Db, rule: NewAlertRule): Promise<number> {
	const [row] = await db.insert(alertRules).values(rule).returning({ id: alertRules.id });
	if (!row) throw new Error('insertAlertRule returned no row');
	return row.id;
}

export async function getAlertRule(db: Db, id: number): Promise<AlertRule | undefined> {
	const [row] = await db.select().from(alertRules).where(eq(alertRules.id, id));
	return row;
}

/** Snoozes, wakes, enables or disables a rule; false when there is no such rule. */
export async function updateAlertRule(db: Db, id: number, change: { snoozedUntil?: Date | null; isEnabled?: boolean }): Promise<boolean> {
	const updated = await db.update(alertRules).set(change).where(eq(alertRules.id, id)).returning({ id: alertRules.id });
	return updated.length > 0;
}

/** Deletes a rule with its alerts and their history (the foreign keys cascade); false when there is none. */
export async function deleteAlertRule(db: Db, id: number): Promise<boolean> {
	const deleted = await db.delete(alertRules).where(eq(alertRules.id, id)).returning({ id: alertRules.id });
	return deleted.length > 0;
}

export interface RuleWithAlertsRow {
	id: number;
	name: string;
	scope: string;
	condition: RuleCondition;
	pending_evaluations: number;
	repeat_interval_minutes: number | null;
	no_data: string;
	channels: NotificationChannels;
	snoozed_ms: number | null;
	is_enabled: boolean;
	created_ms: number;
	/** The rule's alerts that are not normal; null when it has none. */
	alerts: { series: string; state: string; since_ms: number | null; value: number | null }[] | null;
	/** How many series a pattern rule matches now; null for a rule on one series. */
	matched_series: number | null;
}

/**
 * Every rule, oldest first, with each of its alerts that is not normal and, for a pattern, how many
 * series it matches now (a join of targets and series per pattern rule; no sample is read).
 */
export function listAlertRulesWithAlerts(db: Db): Promise<RuleWithAlertsRow[]> {
	return queryRows<RuleWithAlertsRow>(
		db,
		sql`select r.id, r.name, r.scope, r.condition, r.pending_evaluations, r.repeat_interval_minutes, r.no_data, r.channels,
				(extract(epoch from r.snoozed_until) * 1000)::float8 as snoozed_ms, r.is_enabled,
				(extract(epoch from r.created_at) * 1000)::float8 as created_ms,
				(select json_agg(json_build_object(
						'series', t.source || ':' || t.key || ':' || s.metric, 'state', i.state,
						'since_ms', (extract(epoch from coalesce(i.firing_since, i.evaluated_at)) * 1000)::float8, 'value', i.last_value
					) order by i.state, t.source, t.key, s.metric)
					from alert_instances i join series s on s.id = i.series_id join targets t on t.id = s.target_id
					where i.rule_id = r.id and i.state <> 'normal') as alerts,
				case when position('*' in r.scope) > 0 then (
					select count(*)::int from targets t join series s on s.target_id = t.id
					where ${targetMatchesScope} and ${seriesMatchesScope}
				) end as matched_series
			from alert_rules r order by r.id`
	);
}

/** Every rule, oldest first. */
export function listAlertRules(db: Db): Promise<AlertRule[]> {
	return db.select().from(alertRules).orderBy(alertRules.id);
}

/**
 * Rewrites a rule's definition in place, so that its alerts (their states) and their history are kept
 * (a configuration file changing a rule). False when there is no such rule.
 */
export async function replaceAlertRuleDefinition(db: Db, id: number, rule: Omit<NewAlertRule, 'id' | 'createdAt' | 'isEnabled'>): Promise<boolean> {
	const updated = await db.update(alertRules).set(rule).where(eq(alertRules.id, id)).returning({ id: alertRules.id });
	return updated.length > 0;
}
