import { desc, eq, sql } from 'drizzle-orm';
import type { ReportSchedulePeriod, ScheduledReportContent } from '../../../types/report-schedules.js';
import { queryRows, type Db } from '../client.js';
import { reportSchedules } from '../schema/index.js';
import { buildClaimExpressions } from './deliveries.js';

/** Scheduled reports: the schedules, one send per tick, and the sends' outbox (report_deliveries). */

export type ReportSchedule = typeof reportSchedules.$inferSelect;

export async function insertReportSchedule(db: Db, schedule: typeof reportSchedules.$inferInsert): Promise<number> {
	const [row] = await db.insert(reportSchedules).values(schedule).returning({ id: reportSchedules.id });
	return row!.id;
}

export async function updateReportSchedule(db: Db, id: number, change: { isEnabled?: boolean }): Promise<boolean> {
	const rows = await db.update(reportSchedules).set(change).where(eq(reportSchedules.id, id)).returning({ id: reportSchedules.id });
	return rows.length > 0;
}

/** The schedule, its sends and their deliveries. */
export async function deleteReportSchedule(db: Db, id: number): Promise<boolean> {
	const rows = await db.delete(reportSchedules).where(eq(reportSchedules.id, id)).returning({ id: reportSchedules.id });
	return rows.length > 0;
}

export function listReportSchedules(db: Db): Promise<ReportSchedule[]> {
	return db.select().from(reportSchedules).orderBy(desc(reportSchedules.id));
}

/** An enabled schedule with the tick of its latest send, as the reports job needs it. Times in epoch ms. */
export interface DueScheduleRow {
	id: number;
	name: string;
	series: string[];
	period: ReportSchedulePeriod;
	cron: string;
	created_ms: number;
	last_tick_ms: number | null;
}

const selectDueSchedules = sql`select r.id, r.name, r.series, r.period, r.cron, (extract(epoch from r.created_at) * 1000)::float8 as created_ms,
		(select (extract(epoch from max(s.tick_at)) * 1000)::float8 from report_sends s where s.schedule_id = r.id) as last_tick_ms
	from report_schedules r`;

export function listEnabledReportSchedules(db: Db): Promise<DueScheduleRow[]> {
	return queryRows<DueScheduleRow>(db, sql`${selectDueSchedules} where r.is_enabled order by r.id`);
}

export async function getReportSchedule(db: Db, id: number): Promise<DueScheduleRow | undefined> {
	const [row] = await queryRows<DueScheduleRow>(db, sql`${selectDueSchedules} where r.id = ${id}`);
	return row;
}

/**
 * Writes a tick's send and one delivery per channel of its schedule, due at once; nothing when the
 * tick was sent already (another instance, or this one before a restart). Returns the send's id when
 * this call wrote it. Run in one transaction: a send is never without its deliveries.
 */
export async function insertReportSend(tx: Db, scheduleId: number, tickMs: number, content: ScheduledReportContent, nowMs: number): Promise<number | undefined> {
	const tick = new Date(tickMs).toISOString();
	const [send] = await queryRows<{ id: number }>(
		tx,
		sql`insert into report_sends (schedule_id, tick_at, content) values (${scheduleId}, ${tick}::timestamptz, ${JSON.stringify(content)}::jsonb)
			on conflict (schedule_id, tick_at) do nothing returning id`
	);
	if (!send) return undefined;
	const now = new Date(nowMs).toISOString();
	await tx.execute(sql`insert into report_deliveries (send_id, channel, destination, format, next_attempt_at)
		select ${send.id}::int, 'webhook', w->>'url', coalesce(w->>'format', 'json'), ${now}::timestamptz
		from report_schedules r, jsonb_array_elements(r.channels->'webhooks') w where r.id = ${scheduleId}::int
		union all
		select ${send.id}::int, 'email', m #>> '{}', 'text', ${now}::timestamptz
		from report_schedules r, jsonb_array_elements(r.channels->'emails') m where r.id = ${scheduleId}::int
		on conflict do nothing`);
	return send.id;
}

/** A claimed report delivery with what its send says. */
export interface DueReportDeliveryRow {
	id: number;
	channel: 'webhook' | 'email';
	destination: string;
	format: string;
	attempts: number;
	send_id: number;
	schedule_id: number;
	tick_ms: number;
	content: ScheduledReportContent;
}

/** Claims due report deliveries (deliveries.ts's claim) with their sends' content. */
export function claimDueReportDeliveries(db: Db, nowMs: number, limit: number, claimMs: number): Promise<DueReportDeliveryRow[]> {
	return queryRows<DueReportDeliveryRow>(
		db,
		sql`with ${buildClaimExpressions('report_deliveries', nowMs, limit, claimMs)}
			select c.id, c.channel, c.destination, c.format, c.attempts, s.id as send_id, s.schedule_id,
				(extract(epoch from s.tick_at) * 1000)::float8 as tick_ms, s.content
			from claimed c join report_sends s on s.id = c.send_id
			order by c.id`
	);
}

/** A schedule's latest sends with their deliveries' outcomes, for the page and the API. */
export interface ReportSendRow {
	id: number;
	schedule_id: number;
	tick_ms: number;
	period_label: string;
	deliveries: { channel: string; destination: string; status: string; attempts: number; lastDetail: string | null }[] | null;
}

export function listReportSends(db: Db, perSchedule: number): Promise<ReportSendRow[]> {
	return queryRows<ReportSendRow>(
		db,
		sql`select s.id, s.schedule_id, (extract(epoch from s.tick_at) * 1000)::float8 as tick_ms, s.content #>> '{period,label}' as period_label,
				(select json_agg(json_build_object('channel', d.channel, 'destination', d.destination, 'status', d.status,
						'attempts', d.attempts, 'lastDetail', d.log -> -1 ->> 'detail') order by d.id)
					from report_deliveries d where d.send_id = s.id) as deliveries
			from report_schedules r
			cross join lateral (select * from report_sends s where s.schedule_id = r.id order by s.tick_at desc limit ${perSchedule}) s
			order by s.schedule_id, s.tick_at desc`
	);
}

