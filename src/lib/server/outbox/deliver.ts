import type { Db } from '../db/client.js';
import { notificationDeliveries } from '../telemetry/metrics.js';
import { listOutboxes } from './outboxes.js';
import { postWebhook, type Attempt, type Mailer } from './send.js';

/**
 * Notifications go out through outboxes (alert notifications, scheduled reports): what decides to
 * notify writes one delivery per channel in its own transaction, and the deliverer sends what is due,
 * records every attempt, and retries failures with exponential backoff and jitter until maxAttempts.
 * A delivery is claimed before it is sent, so two deliverers (two processes on one PostgreSQL) never
 * send the same one at once. Sending happens off the collection path, in each long-running process's
 * delivery loop (delivery-loop.ts); the commands deliver at once after their own writes (deliverAllDue).
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

/** What one notification says, ready for each kind of channel. */
export interface OutgoingMessage {
	/** The e-mail subject. */
	subject: string;
	/** The e-mail body. */
	text: string;
	/** The webhook body in a channel's format (json, slack). */
	buildWebhookBody(format: string): unknown;
	/** Sent as X-Dockpulse-Delivery, the same on every retry, so that a receiver can drop a duplicate. */
	deliveryId: string;
}

export type Channel = 'webhook' | 'email';

/** A claimed delivery of one outbox: one message to one channel. */
export interface OutboxItem {
	id: number;
	channel: Channel;
	destination: string;
	format: string;
	attempts: number;
	message: OutgoingMessage;
}

/** The outcome of one attempt: the delivery's new status and next attempt, and a line for its log. */
export interface DeliveryAttemptWrite {
	status: 'pending' | 'sent' | 'failed';
	attempts: number;
	nextAttemptAtMs: number;
	logEntry: { at: string; ok: boolean; detail: string };
}

/** One table of deliveries and the statements the deliverer needs from it. */
export interface Outbox {
	/**
	 * Claims up to `limit` pending deliveries that are due, oldest first, by moving their next attempt
	 * `claimMs` ahead: two deliverers never claim the same one, and a crashed deliverer's claim runs out.
	 */
	claimDue(db: Db, nowMs: number, limit: number, claimMs: number): Promise<OutboxItem[]>;
	updateAttempt(db: Db, id: number, attempt: DeliveryAttemptWrite): Promise<void>;
	/** Gives a claimed delivery back without counting an attempt (the process is stopping): due at once. */
	releaseClaim(db: Db, id: number, nowMs: number, logEntry: DeliveryAttemptWrite['logEntry']): Promise<void>;
}

/** The wait before attempt n + 1 after n failed: 30 s, 1 min, 2 min ... at most an hour, +-20%. */
export function computeRetryDelayMs(attempts: number, random: () => number): number {
	const base = Math.min(longestRetryMs, firstRetryMs * 2 ** (attempts - 1));
	return Math.round(base * (0.8 + 0.4 * random()));
}

/** Sends one message to one channel, within the deadline; `signal` ends the attempt at once. */
export async function sendMessage(message: OutgoingMessage, channel: Channel, destination: string, format: string, deps: DeliveryDeps, signal?: AbortSignal): Promise<Attempt> {
	if (channel === 'email') {
		if (!deps.mailer) return { ok: false, detail: 'e-mail is not configured (set SMTP_URL)' };
		return deps.mailer.send(destination, message.subject.slice(0, 200), message.text, signal);
	}
	return postWebhook(destination, message.buildWebhookBody(format), {
		timeoutMs: deps.webhookTimeoutMs,
		allowPrivate: deps.allowPrivateWebhooks,
		deliveryId: message.deliveryId,
		signal
	});
}

async function recordAttempt(db: Db, outbox: Outbox, item: OutboxItem, attempt: Attempt, nowMs: number, random: () => number): Promise<void> {
	const logEntry = { at: new Date(nowMs).toISOString(), ok: attempt.ok, detail: attempt.detail.slice(0, 500) };
	// The receiver may have had it (the delivery id lets it drop a duplicate); it is due again at once.
	if (attempt.isInterrupted) return outbox.releaseClaim(db, item.id, nowMs, logEntry);
	const attempts = item.attempts + 1;
	const status = attempt.ok ? 'sent' : attempts >= maxAttempts ? 'failed' : 'pending';
	const next = status === 'pending' ? nowMs + computeRetryDelayMs(attempts, random) : nowMs;
	await outbox.updateAttempt(db, item.id, { status, attempts, nextAttemptAtMs: next, logEntry });
	notificationDeliveries.inc({ channel: item.channel, outcome: status === 'pending' ? 'retry' : status });
}

export interface DeliveryReport {
	sent: number;
	failed: number;
	retrying: number;
	/** Claimed, then given back because `signal` was aborted. */
	interrupted: number;
}

export interface DeliveryPass {
	/** At most this many claimed at once from each outbox (50). */
	limit?: number;
	/** Aborted when the process is stopping: attempts in flight end and their deliveries are given back. */
	signal?: AbortSignal;
}

const emptyReport = (): DeliveryReport => ({ sent: 0, failed: 0, retrying: 0, interrupted: 0 });

async function deliverFrom(db: Db, outbox: Outbox, deps: DeliveryDeps, nowMs: number, pass: DeliveryPass, report: DeliveryReport): Promise<void> {
	const random = deps.random ?? Math.random;
	const due = await outbox.claimDue(db, nowMs, pass.limit ?? 50, deps.webhookTimeoutMs + claimMarginMs);
	await Promise.all(
		due.map(async (item) => {
			const attempt = await sendMessage(item.message, item.channel, item.destination, item.format, deps, pass.signal);
			await recordAttempt(db, outbox, item, attempt, nowMs, random);
			if (attempt.isInterrupted) report.interrupted++;
			else if (attempt.ok) report.sent++;
			else if (item.attempts + 1 >= maxAttempts) report.failed++;
			else report.retrying++;
		})
	);
}

/** Sends every delivery due at `nowMs`, one batch per outbox; one failing channel never stops the others. */
export async function deliverDue(db: Db, deps: DeliveryDeps, nowMs: number, pass: DeliveryPass = {}): Promise<DeliveryReport> {
	const report = emptyReport();
	for (const outbox of listOutboxes()) {
		if (pass.signal?.aborted) break;
		await deliverFrom(db, outbox, deps, nowMs, pass, report);
	}
	return report;
}

const countClaimed = (report: DeliveryReport) => report.sent + report.failed + report.retrying + report.interrupted;

/**
 * Sends what is due now, batch after batch, until nothing due is left or `signal` is aborted: a pass
 * of the delivery loop, and what the commands run after their writes.
 */
export async function deliverAllDue(db: Db, deps: DeliveryDeps, pass: DeliveryPass = {}): Promise<DeliveryReport> {
	const total = emptyReport();
	const limit = pass.limit ?? 50;
	for (;;) {
		const report = await deliverDue(db, deps, Date.now(), { ...pass, limit });
		for (const key of Object.keys(total) as (keyof DeliveryReport)[]) total[key] += report[key];
		// A batch below the limit from every outbox together means none has more due.
		if (countClaimed(report) < limit || pass.signal?.aborted) return total;
	}
}
