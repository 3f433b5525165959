import { z } from 'zod';
import { reportSchedulePeriods } from '../../types/report-schedules.js';
import { notificationChannels } from '../alerts/rules.js';
import type { Db } from '../db/client.js';
import { maxReportSeries } from '../report/build.js';
import { resolveSelectors, seriesSelector } from '../series/selector.js';
import { findCronProblem } from './ticks.js';

/** The body of POST /api/report-schedules: a saved report and where and when to send it. */
export const reportScheduleInput = z
	.object({
		name: z.string().trim().min(1, 'give the schedule a name').max(200),
		// A report's series: references or patterns, stored as written.
		series: z.array(z.string().max(300).pipe(seriesSelector)).min(1, 'give at least one series or pattern').max(100),
		period: z.enum(reportSchedulePeriods, { error: `expected one of ${reportSchedulePeriods.join(', ')}` }),
		cron: z.string().max(100).superRefine((expression, ctx) => {
			const problem = findCronProblem(expression);
			if (problem) ctx.addIssue({ code: 'custom', message: problem });
		}),
		channels: notificationChannels.refine((c) => c.webhooks.length + c.emails.length > 0, 'give at least one webhook or e-mail address'),
		isEnabled: z.boolean().default(true)
	})
	.strict();

export type ReportScheduleInput = z.output<typeof reportScheduleInput>;

/** The row a schedule is stored as. */
export function toScheduleRow(input: ReportScheduleInput) {
	return { ...input, series: input.series.map((s) => s.text) };
}

/** Why a schedule's series cannot be reported on now (one is unknown, a pattern matches too many), or undefined. */
export async function findSeriesProblem(db: Db, input: ReportScheduleInput): Promise<string | undefined> {
	const resolved = await resolveSelectors(db, input.series, maxReportSeries);
	return resolved.ok ? undefined : resolved.message;
}
