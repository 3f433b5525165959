import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { DeliveryStatus } from '../schema/index.js';

/**
 * The statements every outbox shares (alert_deliveries, report_deliveries: the same columns): claiming
 * what is due, and recording an attempt. The table name is one of these constants, never input.
 */

export type DeliveryTable = 'alert_deliveries' | 'report_deliveries';

/**
 * Two common table expressions, `due` and `claimed`, for a statement that goes on with
 * `select ... from claimed`: they move the next attempt of up to `limit` pending deliveries that are
 * due, oldest first, `claimMs` ahead, and hold them (`d.*`). Two deliverers never claim the same one
 * (skip locked), and a crashed deliverer's claim runs out.
 */
export function buildClaimExpressions(table: DeliveryTable, nowMs: number, limit: number, claimMs: number): SQL {
	const now = new Date(nowMs).toISOString();
	const t = sql.identifier(table);
	return sql`due as (
			select id from ${t}
			where status = 'pending' and next_attempt_at <= ${now}::timestamptz
			order by next_attempt_at limit ${limit} for update skip locked
		), claimed as (
			update ${t} d set next_attempt_at = ${now}::timestamptz + make_interval(secs => ${claimMs / 1000})
			from due where d.id = due.id
			returning d.*
		)`;
}

/** The outcome of one attempt: the delivery's new status and next attempt, and a line for its log. */
export interface DeliveryAttemptWrite {
	status: DeliveryStatus;
	attempts: number;
	nextAttemptAtMs: number;
	logEntry: { at: string; ok: boolean; detail: string };
}

export async function updateDeliveryAttempt(db: Db, table: DeliveryTable, id: number, attempt: DeliveryAttemptWrite): Promise<void> {
	await db.execute(sql`update ${sql.identifier(table)} set status = ${attempt.status}, attempts = ${attempt.attempts},
		next_attempt_at = ${new Date(attempt.nextAttemptAtMs).toISOString()}::timestamptz, log = log || ${JSON.stringify([attempt.logEntry])}::jsonb
		where id = ${id}`);
}

/**
 * Gives a claimed delivery back without counting an attempt (the process is stopping): it is due at
 * once for the next deliverer instead of waiting for its claim to run out.
 */
export async function releaseDeliveryClaim(db: Db, table: DeliveryTable, id: number, nowMs: number, logEntry: DeliveryAttemptWrite['logEntry']): Promise<void> {
	await db.execute(sql`update ${sql.identifier(table)} set next_attempt_at = ${new Date(nowMs).toISOString()}::timestamptz,
		log = log || ${JSON.stringify([logEntry])}::jsonb
		where id = ${id} and status = 'pending'`);
}

/** How many deliveries of an outbox wait for an attempt (first attempts and retries), for its gauge. */
export async function countPendingDeliveries(db: Db, table: DeliveryTable): Promise<number> {
	const [row] = await queryRows<{ pending: number }>(db, sql`select count(*)::int as pending from ${sql.identifier(table)} where status = 'pending'`);
	return row?.pending ?? 0;
}
