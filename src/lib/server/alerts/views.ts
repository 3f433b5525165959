import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.js';
import { alertRules } from '../db/schema/index.js';
import type { NotificationChannels, RuleCondition } from './rules.js';

/** Alert rules, their alerts and their history, as the API and the alerts page show them. */

export interface AlertView {
	series: string;
	state: string;
	since: string | null;
	value: number | null;
}

export interface RuleView {
	id: number;
	name: string;
	scope: string;
	condition: RuleCondition;
	pendingEvaluations: number;
	repeatIntervalMinutes: number | null;
	noData: string;
	channels: NotificationChannels;
	snoozedUntil: string | null;
	isEnabled: boolean;
	createdAt: string;
	/** Every alert of the rule that is not normal: pending, firing or resolved. */
	alerts: AlertView[];
}

interface RuleRow {
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
	alerts: { series: string; state: string; since_ms: number | null; value: number | null }[] | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * A webhook URL as pages and the API show it: its origin only. The path of a Slack (or most other)
 * webhook is its secret, and reads may be open to anyone who can reach the server.
 */
export function redactWebhookUrl(url: string): string {
	// Stored URLs were validated as http(s) URLs when the rule was saved.
	const { origin, pathname } = new URL(url);
	return pathname === '/' ? origin : `${origin}/…`;
}

export async function listRuleViews(db: Db): Promise<RuleView[]> {
	const rows = await queryRows<RuleRow>(
		db,
		sql`select r.id, r.name, r.scope, r.condition, r.pending_evaluations, r.repeat_interval_minutes, r.no_data, r.channels,
				(extract(epoch from r.snoozed_until) * 1000)::float8 as snoozed_ms, r.is_enabled,
				(extract(epoch from r.created_at) * 1000)::float8 as created_ms,
				(select json_agg(json_build_object(
						'series', t.source || ':' || t.key || ':' || s.metric, 'state', i.state,
						'since_ms', (extract(epoch from coalesce(i.firing_since, i.evaluated_at)) * 1000)::float8, 'value', i.last_value
					) order by i.state, t.source, t.key, s.metric)
					from alert_instances i join series s on s.id = i.series_id join targets t on t.id = s.target_id
					where i.rule_id = r.id and i.state <> 'normal') as alerts
			from alert_rules r order by r.id`
	);
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		scope: r.scope,
		condition: r.condition,
		pendingEvaluations: r.pending_evaluations,
		repeatIntervalMinutes: r.repeat_interval_minutes,
		noData: r.no_data,
		channels: { ...r.channels, webhooks: r.channels.webhooks.map((w) => ({ ...w, url: redactWebhookUrl(w.url) })) },
		snoozedUntil: iso(r.snoozed_ms),
		isEnabled: r.is_enabled,
		createdAt: iso(r.created_ms)!,
		alerts: (r.alerts ?? []).map((a) => ({ series: a.series, state: a.state, since: iso(a.since_ms), value: a.value }))
	}));
}

export interface HistoryEntry {
	id: number;
	at: string;
	ruleId: number;
	ruleName: string;
	series: string;
	from: string;
	to: string;
	notify: string | null;
	value: number | null;
	deliveries: { channel: string; destination: string; status: string; attempts: number; lastDetail: string | null }[];
}

/** State changes and notifications, newest first, with what became of each delivery. */
export async function listAlertHistory(db: Db, options: { ruleId?: number; limit: number }): Promise<HistoryEntry[]> {
	const onlyRule = options.ruleId === undefined ? sql`` : sql`where e.rule_id = ${options.ruleId}`;
	const rows = await queryRows<Omit<HistoryEntry, 'at' | 'deliveries'> & { at_ms: number; deliveries: HistoryEntry['deliveries'] | null }>(
		db,
		sql`select e.id, (extract(epoch from e.at) * 1000)::float8 as at_ms, e.rule_id as "ruleId", r.name as "ruleName",
				t.source || ':' || t.key || ':' || s.metric as series, e.from_state as from, e.to_state as to, e.notify, e.value,
				(select json_agg(json_build_object('channel', d.channel, 'destination', d.destination, 'status', d.status,
						'attempts', d.attempts, 'lastDetail', d.log -> -1 ->> 'detail') order by d.id)
					from alert_deliveries d where d.event_id = e.id) as deliveries
			from alert_events e join alert_rules r on r.id = e.rule_id join series s on s.id = e.series_id join targets t on t.id = s.target_id
			${onlyRule}
			order by e.at desc, e.id desc limit ${options.limit}`
	);
	return rows.map(({ at_ms, deliveries, ...rest }) => ({
		...rest,
		at: iso(at_ms)!,
		value: rest.value === null ? null : Number(rest.value),
		deliveries: (deliveries ?? []).map((d) => (d.channel === 'webhook' ? { ...d, destination: redactWebhookUrl(d.destination) } : d))
	}));
}

export async function updateRule(db: Db, id: number, change: { snoozedUntil?: Date | null; isEnabled?: boolean }): Promise<boolean> {
	if (change.snoozedUntil === undefined && change.isEnabled === undefined) return (await db.select({ id: alertRules.id }).from(alertRules).where(eq(alertRules.id, id))).length > 0;
	const updated = await db.update(alertRules).set(change).where(eq(alertRules.id, id)).returning({ id: alertRules.id });
	return updated.length > 0;
}

export async function deleteRule(db: Db, id: number): Promise<boolean> {
	return (await db.delete(alertRules).where(eq(alertRules.id, id)).returning({ id: alertRules.id })).length > 0;
}
