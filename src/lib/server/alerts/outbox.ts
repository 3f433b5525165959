import type { Db } from '../db/client.js';
import { claimDueAlertDeliveries, type DueDeliveryRow } from '../db/queries/alert-deliveries.js';
import { releaseDeliveryClaim, updateDeliveryAttempt } from '../db/queries/deliveries.js';
import type { Outbox, OutgoingMessage } from '../outbox/deliver.js';
import { buildNotificationText, buildWebhookBody, type NotificationFacts } from './messages.js';

/** The alert notifications' outbox (alert_deliveries): one row per alert event and channel. */

function toFacts(row: DueDeliveryRow): NotificationFacts {
	return {
		eventId: row.event_id,
		ruleId: row.rule_id,
		ruleName: row.rule_name,
		scope: row.scope,
		series: row.series,
		targetName: row.target_name,
		condition: row.condition,
		notify: row.notify,
		state: row.to_state,
		value: row.value === null ? null : Number(row.value),
		atMs: Number(row.at_ms)
	};
}

/** An alert notification as every channel says it: one line of text, the same facts in the webhook's JSON. */
export function buildAlertMessage(facts: NotificationFacts): OutgoingMessage {
	const text = buildNotificationText(facts);
	return { subject: text, text, buildWebhookBody: (format) => buildWebhookBody(facts, format), deliveryId: `alert-event-${facts.eventId}` };
}

export const alertOutbox: Outbox = {
	async claimDue(db: Db, nowMs, limit, claimMs) {
		const rows = await claimDueAlertDeliveries(db, nowMs, limit, claimMs);
		return rows.map((row) => ({ ...row, message: buildAlertMessage(toFacts(row)) }));
	},
	updateAttempt: (db, id, attempt) => updateDeliveryAttempt(db, 'alert_deliveries', id, attempt),
	releaseClaim: (db, id, nowMs, logEntry) => releaseDeliveryClaim(db, 'alert_deliveries', id, nowMs, logEntry)
};
