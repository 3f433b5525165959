import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.js';
import type { RuleCondition } from './rules.js';
import { buildNotificationText, buildWebhookBody, type NotificationFacts } from './messages.js';
import { postWebhook, type Attempt, type Mailer } from './send.js';
import type { NotificationKind } from './state.js';

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

/** Writes the deliveries of the given alert events, one per channel of each event's rule. */
export async function enqueueDeliveries(tx: Db, eventIds: readonly number[], nowMs: number): Promise<void> {
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

/** The wait before attempt n + 1 after n failed: 30 s, 1 min, 2 min ... at most an hour, +-20%. */
export function computeRetryDelayMs(attempts: number, random: () => number): number {
	const base = Math.min(longestRetryMs, firstRetryMs * 2 ** (attempts - 1));
	return Math.round(base * (0.8 + 0.4 * random()));
}

interface DueRow {
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

function claimDue(db: Db, nowMs: number, limit: number): Promise<DueRow[]> {
	const now = new Date(nowMs).toISOString();
	return queryRows<DueRow>(
		db,
		sql`with due as (
				select id from alert_deliveries
				where status = 'pending' and next_attempt_at <= ${now}::timestamptz
				order by next_attempt_at limit ${limit} for update skip locked
			), claimed as (
				update alert_deliveries d set next_attempt_at = ${now}::timestamptz + make_interval(secs => ${claimMs / 1000})
				from due where d.id = due.id
				returning d.*
			)
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

function toFacts(row: DueRow): NotificationFacts {
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

async function recordAttempt(db: Db, row: DueRow, attempt: Attempt, nowMs: number, random: () => number): Promise<void> {
	const attempts = row.attempts + 1;
	const status = attempt.ok ? 'sent' : attempts >= maxAttempts ? 'failed' : 'pending';
	const next = status === 'pending' ? nowMs + computeRetryDelayMs(attempts, random) : nowMs;
	const entry = JSON.stringify([{ at: new Date(nowMs).toISOString(), ok: attempt.ok, detail: attempt.detail.slice(0, 500) }]);
	await db.execute(sql`update alert_deliveries set status = ${status}, attempts = ${attempts},
		next_attempt_at = ${new Date(next).toISOString()}::timestamptz, log = log || ${entry}::jsonb
		where id = ${row.id}`);
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
	const due = await claimDue(db, nowMs, limit);
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
