import { formatSeriesRef } from '../../refs.js';
import type { ReportSchedulePeriod, ScheduledReportAnomaly, ScheduledReportContent, ScheduledReportEta } from '../../types/report-schedules.js';
import type { Db } from '../db/client.js';
import { listRecentDailyPoints } from '../forecast/recent-days.js';
import { computeMilestoneEta } from '../overview/eta.js';
import { buildGrowthReport, maxReportSeries } from '../report/build.js';
import { resolvePeriod, type ResolvedPeriod } from '../report/period.js';
import { readBucketAnomalies } from '../series/anomaly-flags.js';
import { resolveSelectors, seriesSelector, type ResolvedSeries, type SeriesSelector } from '../series/selector.js';
import { computeSchedulePeriod } from './period.js';

/**
 * What one send of a scheduled report says, as of its tick: the growth report of its series over the
 * period (the rows, statements and warnings of GET /api/report), and for its counters the milestone
 * ETAs (the overview cards' forecast) and the days of the period flagged as anomalies (the scores of
 * /api/series). A send whose series went missing still goes out, saying so.
 */

/** Each counter costs a year of daily values and the period's scores: a report covers its first ones only. */
export const maxCountersPerReport = 20;
const minBase = 100;

interface ScheduleToBuild {
	name: string;
	series: string[];
	period: ReportSchedulePeriod;
}

interface CounterInsights {
	etas: ScheduledReportEta[];
	anomalies: ScheduledReportAnomaly[];
	warnings: string[];
}

async function listCounterInsights(db: Db, series: readonly ResolvedSeries[], period: ResolvedPeriod, tickMs: number): Promise<CounterInsights> {
	const counters = series.filter((s) => s.record.kind === 'counter');
	const insights: CounterInsights = { etas: [], anomalies: [], warnings: [] };
	// `to` is exclusive: the period's end is its last millisecond.
	const days = { from: period.start, to: new Date(period.end.getTime() + 1), interval: 'day' as const };
	for (const { ref, record } of counters.slice(0, maxCountersPerReport)) {
		const name = formatSeriesRef(ref);
		const eta = computeMilestoneEta(await listRecentDailyPoints(db, record.id, new Date(tickMs)));
		if (eta) insights.etas.push({ series: name, value: eta.value, date: eta.date, earliest: eta.earliest, latest: eta.latest });
		const flagged = [...(await readBucketAnomalies(db, record, days)).values()].flat();
		insights.anomalies.push(...flagged.map((a) => ({ series: name, day: a.day, kind: a.kind, score: a.score })));
	}
	if (counters.length > maxCountersPerReport) insights.warnings.push(`milestone ETAs and anomalies of the first ${maxCountersPerReport} of ${counters.length} counters only`);
	return insights;
}

export async function buildScheduledReport(db: Db, schedule: ScheduleToBuild, tickMs: number): Promise<ScheduledReportContent> {
	const now = new Date(tickMs);
	const period = computeSchedulePeriod(schedule.period, tickMs);
	const selectors = schedule.series.flatMap((text): SeriesSelector[] => {
		const parsed = seriesSelector.safeParse(text);
		return parsed.success ? [parsed.data] : [];
	});
	const [report, resolved, resolvedPeriod] = await Promise.all([
		buildGrowthReport(db, { series: selectors, period, minBase }, now),
		resolveSelectors(db, selectors, maxReportSeries),
		resolvePeriod(db, period, now)
	]);
	// Only a period between two events can fail to resolve; a schedule's is made of dates.
	if (!resolvedPeriod.ok) throw new Error(`${resolvedPeriod.parameter}: ${resolvedPeriod.message}`);
	const { start, end, label } = resolvedPeriod.period;
	const insights = resolved.ok ? await listCounterInsights(db, resolved.series, resolvedPeriod.period, tickMs) : { etas: [], anomalies: [], warnings: [] };
	// A send whose series went missing since still goes out: the refusal says which.
	const refusal = report.ok ? [] : [`${report.parameter}: ${report.message}`];
	return {
		scheduleName: schedule.name,
		period: { preset: schedule.period, start: start.toISOString(), end: end.toISOString(), label },
		rows: report.ok ? report.report.rows : [],
		etas: insights.etas,
		anomalies: insights.anomalies,
		warnings: [...refusal, ...insights.warnings]
	};
}
