import type { Db } from '../db/client.js';
import { claimDueAlertDeliveries, updateAlertDeliveryAttempt, type DueDeliveryRow } from '../db/queries/alert-deliveries.js';
import { buildNotificationText, buildWebhookBody, type NotificationFacts } from './messages.js';
import { postWebhook, type Attempt, type Mailer } from './send.js';
import { notificationDeliveries } from '../telemetry/metrics.js';

/**
 * Notifications go out through an outbox: the evaluation that decides to notify writes one delivery
 * per channel in its own transaction, and the deliverer sends what is due, records every attempt, and
 * retries failures with exponential backoff and jitter until maxAttempts. A delivery is claimed before
 * it is sent, so two deliverers never send the same one at once.
 */

export const maxAttempts = 6;
const firstRetryMs = 30_000;
const longestRetryMs = 3_600_000;
// Long enough for a send to finish (timeouts are far shorter); a crashed deliverer's claim runs out.
const claimMs = 120_000;

export interface DeliveryDeps {
	webhookTimeoutMs: number;
	allowPrivateWebhooks: boolean;
	mailer: Mailer | undefined;
	/** 0 <= random() < 1, for the jitter; injected so tests are exact. */
	random?: () => number;
}

/** The wait before attempt n + 1 after n failed: 30 s, 1 min, 2 min ... at most an hour, +-20%. */
export function computeRetryDelayMs(attempts: number, random: () => number): number {
	const base = Math.min(longestRetryMs, firstRetryMs * 2 ** (attempts - 1));
	return Math.round(base * (0.8 + 0.4 * random()));
}

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

/** Sends one notification to one channel. */
export async function sendNotification(facts: NotificationFacts, channel: 'webhook' | 'email', destination: string, format: string, deps: DeliveryDeps): Promise<Attempt> {
	if (channel === 'email') {
		if (!deps.mailer) return { ok: false, detail: 'e-mail is not configured (set SMTP_URL)' };
		const text = buildNotificationText(facts);
		return deps.mailer.send(destination, text.slice(0, 200), text);
	}
	return postWebhook(destination, buildWebhookBody(facts, format), {
		timeoutMs: deps.webhookTimeoutMs,
		allowPrivate: deps.allowPrivateWebhooks,
		deliveryId: `alert-event-${facts.eventId}`
	});
}

async function recordAttempt(db: Db, row: DueDeliveryRow, attempt: Attempt, nowMs: number, random: () => number): Promise<void> {
	const attempts = row.attempts + 1;
	const status = attempt.ok ? 'sent' : attempts >= maxAttempts ? 'failed' : 'pending';
	const next = status === 'pending' ? nowMs + computeRetryDelayMs(attempts, random) : nowMs;
	const logEntry = { at: new Date(nowMs).toISOString(), ok: attempt.ok, detail: attempt.detail.slice(0, 500) };
	await updateAlertDeliveryAttempt(db, row.id, { status, attempts, nextAttemptAtMs: next, logEntry });
	notificationDeliveries.inc({ channel: row.channel, outcome: status === 'pending' ? 'retry' : status });
}

export interface DeliveryReport {
	sent: number;
	failed: number;
	retrying: number;
}

/** Sends every delivery that is due, a batch at a time; one failing channel never stops the others. */
export async function deliverDue(db: Db, deps: DeliveryDeps, nowMs: number, limit = 50): Promise<DeliveryReport> {
	const random = deps.random ?? Math.random;
	const report: DeliveryReport = { sent: 0, failed: 0, retrying: 0 };
	const due = await claimDueAlertDeliveries(db, nowMs, limit, claimMs);
	await Promise.all(
		due.map(async (row) => {
			const attempt = await sendNotification(toFacts(row), row.channel, row.destination, row.format, deps);
			await recordAttempt(db, row, attempt, nowMs, random);
			if (attempt.ok) report.sent++;
			else if (row.attempts + 1 >= maxAttempts) report.failed++;
			else report.retrying++;
		})
	);
	return report;
}
