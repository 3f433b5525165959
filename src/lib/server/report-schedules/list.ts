import type { ReportScheduleView } from '../../types/report-schedules.js';
import type { Db } from '../db/client.js';
import { listReportSchedules, listReportSends } from '../db/queries/report-schedules.js';
import { maskEmail, redactWebhookUrl, showDelivery, type Reader } from '../outbox/redact.js';
import { findNextTick } from './ticks.js';

/** Schedules with their latest sends, as GET /api/report-schedules and the report page show them. */

export const sendsPerSchedule = 10;

const isoOrNull = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export async function listReportScheduleViews(db: Db, reader: Reader): Promise<ReportScheduleView[]> {
	const [schedules, sends] = await Promise.all([listReportSchedules(db), listReportSends(db, sendsPerSchedule)]);
	const showEmail = reader.hasWriteRights ? (e: string) => e : maskEmail;
	return schedules.map((s) => ({
		id: s.id,
		name: s.name,
		series: s.series,
		period: s.period as ReportScheduleView['period'],
		cron: s.cron,
		channels: { webhooks: s.channels.webhooks.map((w) => ({ ...w, url: redactWebhookUrl(w.url) })), emails: s.channels.emails.map(showEmail) },
		isEnabled: s.isEnabled,
		createdAt: s.createdAt.toISOString(),
		nextTickAt: s.isEnabled ? isoOrNull(findNextTick(s.cron)) : null,
		sends: sends
			.filter((send) => send.schedule_id === s.id)
			.map((send) => ({
				id: send.id,
				tickAt: new Date(Number(send.tick_ms)).toISOString(),
				period: send.period_label,
				deliveries: (send.deliveries ?? []).map((d) => showDelivery(d, reader))
			}))
	}));
}
