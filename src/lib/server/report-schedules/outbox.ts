import { releaseDeliveryClaim, updateDeliveryAttempt } from '../db/queries/deliveries.js';
import { claimDueReportDeliveries } from '../db/queries/report-schedules.js';
import type { Outbox } from '../outbox/deliver.js';
import { buildReportMessage } from './message.js';

/** Scheduled reports' outbox (report_deliveries): one row per send and channel, retried like alerts. */
export const reportOutbox: Outbox = {
	async claimDue(db, nowMs, limit, claimMs) {
		const rows = await claimDueReportDeliveries(db, nowMs, limit, claimMs);
		return rows.map((row) => ({
			...row,
			message: buildReportMessage({ sendId: row.send_id, scheduleId: row.schedule_id, tickMs: Number(row.tick_ms), content: row.content })
		}));
	},
	updateAttempt: (db, id, attempt) => updateDeliveryAttempt(db, 'report_deliveries', id, attempt),
	releaseClaim: (db, id, nowMs, logEntry) => releaseDeliveryClaim(db, 'report_deliveries', id, nowMs, logEntry)
};
