import { sql } from 'drizzle-orm';
import type { NotificationKind, RuleCondition } from '../../../types/alerts.js';
import { queryRows, type Db } from '../client.js';
import { buildClaimExpressions } from './deliveries.js';

/** The notification outbox (alert_deliveries): one row per notification and channel. Times in epoch ms. */

/**
 * Writes the deliveries of the given alert events, one per channel of each event's rule, due at once;
 * a delivery already written is left as it is.
 */
export async function insertAlertDeliveries(tx: Db, eventIds: readonly number[], nowMs: number): Promise<void> {
	if (eventIds.length === 0) return;
	const now = new Date(nowMs).toISOString();
	await tx.execute(sql`insert into alert_deliveries (event_id, channel, destination, format, next_attempt_at)
		select e.id, 'webhook', w->>'url', coalesce(w->>'format', 'json'), ${now}::timestamptz
		from alert_events e join alert_rules r on r.id = e.rule_id, jsonb_array_elements(r.channels->'webhooks') w
		where e.id = any(${sql.param([...eventIds])}::int[])
		union all
		select e.id, 'email', m #>> '{}', 'text', ${now}::timestamptz
		from alert_events e join alert_rules r on r.id = e.rule_id, jsonb_array_elements(r.channels->'emails') m
		where e.id = any(${sql.param([...eventIds])}::int[])
		on conflict do nothing`);
}

/** A claimed delivery with the facts of its event that the notification tells. */
export interface DueDeliveryRow {
	id: number;
	channel: 'webhook' | 'email';
	destination: string;
	format: string;
	attempts: number;
	event_id: number;
	rule_id: number;
	rule_name: string;
	scope: string;
	condition: RuleCondition;
	notify: NotificationKind;
	to_state: string;
	value: number | null;
	at_ms: number;
	series: string;
	target_name: string;
}

/**
 * Claims up to `limit` pending deliveries that are due, oldest first, by moving their next attempt
 * `claimMs` ahead: two deliverers never claim the same one, and a crashed deliverer's claim runs out.
 * The claim is deliveries.ts's; this statement adds the facts of each delivery's event.
 */
export function claimDueAlertDeliveries(db: Db, nowMs: number, limit: number, claimMs: number): Promise<DueDeliveryRow[]> {
	return queryRows<DueDeliveryRow>(
		db,
		sql`with ${buildClaimExpressions('alert_deliveries', nowMs, limit, claimMs)}
			select c.id, c.channel, c.destination, c.format, c.attempts, e.id as event_id, r.id as rule_id, r.name as rule_name,
				r.scope, r.condition, e.notify, e.to_state, e.value, (extract(epoch from e.at) * 1000)::float8 as at_ms,
				t.source || ':' || t.key || ':' || s.metric as series, t.display_name as target_name
			from claimed c
			join alert_events e on e.id = c.event_id
			join alert_rules r on r.id = e.rule_id
			join series s on s.id = e.series_id
			join targets t on t.id = s.target_id
			order by c.id`
	);
}

