import type { NotificationChannels } from './alerts.js';
import type { ReportRow } from './report.js';

/**
 * The vocabulary of scheduled reports, shared by the schema, the feature (lib/server/report-schedules)
 * and the report page.
 */

/** Periods relative to a tick (UTC): what "last 7 days" means is in report-schedules/period.ts. */
export const reportSchedulePeriods = ['last-7-days', 'last-30-days', 'month-to-date', 'previous-month', 'year-to-date'] as const;
export type ReportSchedulePeriod = (typeof reportSchedulePeriods)[number];

/** A counter's next round milestone and when the forecast expects it (overview/eta.ts). */
export interface ScheduledReportEta {
	series: string;
	value: number;
	date: string | null;
	earliest: string | null;
	latest: string | null;
}

/** A day of the period whose change the anomaly score flags (lib/server/metrics/anomalies.ts). */
export interface ScheduledReportAnomaly {
	series: string;
	day: string;
	kind: 'spike' | 'drop';
	score: number;
}

/** What one send of a scheduled report said, kept with the send. */
export interface ScheduledReportContent {
	scheduleName: string;
	period: { preset: ReportSchedulePeriod; start: string; end: string; label: string };
	rows: ReportRow[];
	etas: ScheduledReportEta[];
	/** The flagged days of the period, by series then day. */
	anomalies: ScheduledReportAnomaly[];
	/** Why a part is missing: no series matched, a series could not be forecast... */
	warnings: string[];
}

/** A schedule as GET /api/report-schedules and the report page show it; webhook URLs redacted to their origin. */
export interface ReportScheduleView {
	id: number;
	name: string;
	series: string[];
	period: ReportSchedulePeriod;
	cron: string;
	channels: NotificationChannels;
	isEnabled: boolean;
	createdAt: string;
	/** The next tick, in UTC. */
	nextTickAt: string | null;
	sends: ReportSendView[];
}

export interface ReportSendView {
	id: number;
	tickAt: string;
	period: string;
	deliveries: { channel: string; destination: string; status: string; attempts: number; lastDetail: string | null }[];
}
