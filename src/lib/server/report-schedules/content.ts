import type { ReportSchedulePeriod, ScheduledReportContent, ScheduledReportEta } from '../../types/report-schedules.js';
import type { Db } from '../db/client.js';
import { listRecentDailyPoints } from '../forecast/recent-days.js';
import { computeMilestoneEta } from '../overview/eta.js';
import { buildGrowthReport, maxReportSeries } from '../report/build.js';
import { resolvePeriod } from '../report/period.js';
import { resolveSelectors, seriesSelector, type ResolvedSeries, type SeriesSelector } from '../series/selector.js';
import { computeSchedulePeriod } from './period.js';

/**
 * What one send of a scheduled report says, as of its tick: the growth report of its series over the
 * period (the rows, statements and warnings of GET /api/report), and the milestone ETAs of its counters
 * (the overview cards' forecast). A send whose series went missing still goes out, saying so.
 */

/** ETAs cost a year of daily values each: a report names those of its first counters only. */
export const maxEtasPerReport = 20;
const minBase = 100;

interface ScheduleToBuild {
	name: string;
	series: string[];
	period: ReportSchedulePeriod;
}

async function listEtas(db: Db, series: readonly ResolvedSeries[], tickMs: number): Promise<{ etas: ScheduledReportEta[]; warnings: string[] }> {
	const counters = series.filter((s) => s.record.kind === 'counter');
	const etas: ScheduledReportEta[] = [];
	for (const { ref, record } of counters.slice(0, maxEtasPerReport)) {
		const eta = computeMilestoneEta(await listRecentDailyPoints(db, record.id, new Date(tickMs)));
		if (eta) etas.push({ series: `${ref.source}:${ref.key}:${ref.metric}`, value: eta.value, date: eta.date, earliest: eta.earliest, latest: eta.latest });
	}
	const warnings = counters.length > maxEtasPerReport ? [`milestone ETAs of the first ${maxEtasPerReport} of ${counters.length} counters only`] : [];
	return { etas, warnings };
}

export async function buildScheduledReport(db: Db, schedule: ScheduleToBuild, tickMs: number): Promise<ScheduledReportContent> {
	const period = computeSchedulePeriod(schedule.period, tickMs);
	const selectors = schedule.series.flatMap((text): SeriesSelector[] => {
		const parsed = seriesSelector.safeParse(text);
		return parsed.success ? [parsed.data] : [];
	});
	const [report, resolved] = await Promise.all([
		buildGrowthReport(db, { series: selectors, period, minBase }, new Date(tickMs)),
		resolveSelectors(db, selectors, maxReportSeries)
	]);
	const eta = resolved.ok ? await listEtas(db, resolved.series, tickMs) : { etas: [], warnings: [] };
	const base = { scheduleName: schedule.name, etas: eta.etas };
	if (!report.ok) {
		// A period of dates always resolves; the report failed on its series (one was removed since).
		const resolvedPeriod = await resolvePeriod(db, period, new Date(tickMs));
		const { start, end, label } = resolvedPeriod.ok ? resolvedPeriod.period : { start: new Date(tickMs), end: new Date(tickMs), label: '' };
		return {
			...base,
			period: { preset: schedule.period, start: start.toISOString(), end: end.toISOString(), label },
			rows: [],
			warnings: [`${report.parameter}: ${report.message}`, ...eta.warnings]
		};
	}
	const { start, end, label } = report.report.period;
	return { ...base, period: { preset: schedule.period, start, end, label }, rows: report.report.rows, warnings: eta.warnings };
}
