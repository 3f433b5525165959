import type { Db } from '../db/client.js';
import { claimDueAlertDeliveries, releaseAlertDeliveryClaim, updateAlertDeliveryAttempt, type DueDeliveryRow } from '../db/queries/alert-deliveries.js';
import { buildNotificationText, buildWebhookBody, type NotificationFacts } from './messages.js';
import { postWebhook, type Attempt, type Mailer } from './send.js';
import { notificationDeliveries } from '../telemetry/metrics.js';

/**
 * Notifications go out through an outbox: the evaluation that decides to notify writes one delivery
 * per channel in its own transaction, and the deliverer sends what is due, records every attempt, and
 * retries failures with exponential backoff and jitter until maxAttempts. A delivery is claimed before
 * it is sent, so two deliverers (two processes on one PostgreSQL) never send the same one at once.
 * Sending happens off the collection path, in each long-running process's delivery loop
 * (delivery-loop.ts); the commands deliver at once after their own writes (deliverAllDue).
 */

export const maxAttempts = 6;
const firstRetryMs = 30_000;
const longestRetryMs = 3_600_000;
// Past the attempt's deadline, time to record its outcome: a claim never runs out while its attempt
// can still be going, and a crashed deliverer's claim runs out soon after.
const claimMarginMs = 60_000;

export interface DeliveryDeps {
	/** The deadline of one whole attempt, webhook or e-mail (WEBHOOK_TIMEOUT_MS). */
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

/** Sends one notification to one channel, within the deadline; `signal` ends the attempt at once. */
export async function sendNotification(
	facts: NotificationFacts,
	channel: 'webhook' | 'email',
	destination: string,
	format: string,
	deps: DeliveryDeps,
	signal?: AbortSignal
): Promise<Attempt> {
	if (channel === 'email') {
		if (!deps.mailer) return { ok: false, detail: 'e-mail is not configured (set SMTP_URL)' };
		const text = buildNotificationText(facts);
		return deps.mailer.send(destination, text.slice(0, 200), text, signal);
	}
	return postWebhook(destination, buildWebhookBody(facts, format), {
		timeoutMs: deps.webhookTimeoutMs,
		allowPrivate: deps.allowPrivateWebhooks,
		deliveryId: `alert-event-${facts.eventId}`,
		signal
	});
}

async function recordAttempt(db: Db, row: DueDeliveryRow, attempt: Attempt, nowMs: number, random: () => number): Promise<void> {
	const logEntry = { at: new Date(nowMs).toISOString(), ok: attempt.ok, detail: attempt.detail.slice(0, 500) };
	// The receiver may have had it (the delivery id lets it drop a duplicate); it is due again at once.
	if (attempt.isInterrupted) return releaseAlertDeliveryClaim(db, row.id, nowMs, logEntry);
	const attempts = row.attempts + 1;
	const status = attempt.ok ? 'sent' : attempts >= maxAttempts ? 'failed' : 'pending';
	const next = status === 'pending' ? nowMs + computeRetryDelayMs(attempts, random) : nowMs;
	await updateAlertDeliveryAttempt(db, row.id, { status, attempts, nextAttemptAtMs: next, logEntry });
	notificationDeliveries.inc({ channel: row.channel, outcome: status === 'pending' ? 'retry' : status });
}

export interface DeliveryReport {
	sent: number;
	failed: number;
	retrying: number;
	/** Claimed, then given back because `signal` was aborted. */
	interrupted: number;
}

export interface DeliveryPass {
	/** At most this many claimed at once (50). */
	limit?: number;
	/** Aborted when the process is stopping: attempts in flight end and their deliveries are given back. */
	signal?: AbortSignal;
}

/** Sends every delivery due at `nowMs`, one batch; one failing channel never stops the others. */
export async function deliverDue(db: Db, deps: DeliveryDeps, nowMs: number, pass: DeliveryPass = {}): Promise<DeliveryReport> {
	const random = deps.random ?? Math.random;
	const report: DeliveryReport = { sent: 0, failed: 0, retrying: 0, interrupted: 0 };
	if (pass.signal?.aborted) return report;
	const due = await claimDueAlertDeliveries(db, nowMs, pass.limit ?? 50, deps.webhookTimeoutMs + claimMarginMs);
	await Promise.all(
		due.map(async (row) => {
			const attempt = await sendNotification(toFacts(row), row.channel, row.destination, row.format, deps, pass.signal);
			await recordAttempt(db, row, attempt, nowMs, random);
			if (attempt.isInterrupted) report.interrupted++;
			else if (attempt.ok) report.sent++;
			else if (row.attempts + 1 >= maxAttempts) report.failed++;
			else report.retrying++;
		})
	);
	return report;
}

/**
 * Sends what is due now, batch after batch, until nothing due is left or `signal` is aborted: a pass
 * of the delivery loop, and what the commands run after their writes.
 */
export async function deliverAllDue(db: Db, deps: DeliveryDeps, pass: DeliveryPass = {}): Promise<DeliveryReport> {
	const total: DeliveryReport = { sent: 0, failed: 0, retrying: 0, interrupted: 0 };
	const limit = pass.limit ?? 50;
	for (;;) {
		const report = await deliverDue(db, deps, Date.now(), { ...pass, limit });
		for (const key of Object.keys(total) as (keyof DeliveryReport)[]) total[key] += report[key];
		const claimed = report.sent + report.failed + report.retrying + report.interrupted;
		if (claimed < limit || pass.signal?.aborted) return total;
	}
}
