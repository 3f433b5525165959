import type { Db } from '../db/client.js';
import { getReportSchedule, insertReportSend, listEnabledReportSchedules, type DueScheduleRow } from '../db/queries/report-schedules.js';
import { log } from '../telemetry/log.js';
import { buildScheduledReport } from './content.js';
import { findLatestTick } from './ticks.js';

/**
 * The reports job, every minute in each long-running process: each enabled schedule whose cron
 * fired since it was last looked at gets that tick's send (the latest tick only, at most a week back,
 * when several were missed) and its deliveries, in one transaction. The send is unique per schedule
 * and tick, so that instances racing on one database send a tick once; the outbox's deliverer sends it.
 */

/** Per process: up to when each schedule was looked at, so that a minute's look scans a minute. */
export type TickCheckpoints = Map<number, number>;

async function sendTick(db: Db, schedule: DueScheduleRow, tickMs: number, nowMs: number): Promise<boolean> {
	const content = await buildScheduledReport(db, schedule, tickMs);
	const sendId = await db.transaction((tx) => insertReportSend(tx, schedule.id, tickMs, content, nowMs));
	if (sendId !== undefined) log.info({ scheduleId: schedule.id, sendId, tick: new Date(tickMs).toISOString() }, `scheduled report "${schedule.name}" queued`);
	return sendId !== undefined;
}

/** Queues the sends due at `nowMs`; returns how many this call wrote. One failing schedule never stops the others. */
export async function sendDueReports(db: Db, nowMs: number, checkpoints: TickCheckpoints = new Map()): Promise<number> {
	let written = 0;
	for (const schedule of await listEnabledReportSchedules(db)) {
		const afterMs = Math.max(Number(schedule.created_ms), Number(schedule.last_tick_ms ?? -Infinity), checkpoints.get(schedule.id) ?? -Infinity);
		const tickMs = findLatestTick(schedule.cron, afterMs, nowMs);
		try {
			if (tickMs !== undefined && (await sendTick(db, schedule, tickMs, nowMs))) written++;
			checkpoints.set(schedule.id, nowMs);
		} catch (error) {
			// Not checked off: the next minute tries this tick again.
			log.error({ err: error, scheduleId: schedule.id }, `scheduled report "${schedule.name}" failed`);
		}
	}
	return written;
}

/**
 * "Send now": a send of the schedule's report as of `nowMs`, whatever its cron, through the same outbox.
 * Its tick is that instant, so that it takes no scheduled tick's place. Undefined for an unknown schedule.
 */
export async function sendReportNow(db: Db, scheduleId: number, nowMs: number): Promise<{ isQueued: boolean } | undefined> {
	const schedule = await getReportSchedule(db, scheduleId);
	if (!schedule) return undefined;
	return { isQueued: await sendTick(db, schedule, nowMs, nowMs) };
}
