import type { ReportRow } from '../../types/report.js';
import type { Db } from '../db/client.js';
import { listFirstValuesFrom, listValuesAt, type SampleAt } from '../db/queries/values-at.js';
import { resolveSelectors } from '../series/selector.js';
import { minInstantMs } from '../time.js';
import type { ReportQuery } from './params.js';
import { resolvePeriod, type ResolvedPeriod } from './period.js';
import { listPublishedGrowthRows } from './published.js';
import { buildReportRow } from './rows.js';

/**
 * A growth report: for each series, its values at both ends of the period (the nearest samples on or
 * before each end, with their own dates), the change, growth, multiplier and CAGR, the period before
 * of equal length, and how the numbers were obtained. Four set-based reads, whatever the number of
 * series. A report over the published reference series also lists, after them, the growth figures
 * published as percentages only (published.ts).
 */

export interface GrowthReport {
	period: { start: string; end: string; previousStart: string; label: string };
	minBase: number;
	rows: ReportRow[];
}

export type ReportResult = { ok: true; report: GrowthReport } | { ok: false; status: 400 | 404; parameter: string; message: string };

export const maxReportSeries = 1_000;

const bySeries = (samples: SampleAt[]) => new Map(samples.map((s) => [s.seriesId, s]));

export async function buildGrowthReport(db: Db, query: ReportQuery, now: Date): Promise<ReportResult> {
	const [resolved, periodResult] = await Promise.all([resolveSelectors(db, query.series, maxReportSeries), resolvePeriod(db, query.period, now)]);
	if (!periodResult.ok) return { ok: false, status: 404, parameter: periodResult.parameter, message: periodResult.message };
	if (!resolved.ok) return { ok: false, status: resolved.problem === 'missing' ? 404 : 400, parameter: 'series', message: resolved.message };
	const period: ResolvedPeriod = periodResult.period;
	// Nothing is stored before 1970, and PostgreSQL reads no year before 0000 in ISO text: a period
	// longer than the time since 1970 has its period before start at 1970.
	const previousStart = new Date(Math.max(minInstantMs, period.start.getTime() - (period.end.getTime() - period.start.getTime())));
	const ids = resolved.series.map((s) => s.record.id);
	const [atStart, atEnd, firstFromStart, atPreviousStart] = (
		await Promise.all([
			listValuesAt(db, ids, period.start),
			listValuesAt(db, ids, period.end),
			listFirstValuesFrom(db, ids, period.start),
			listValuesAt(db, ids, previousStart)
		])
	).map(bySeries);
	const rows = resolved.series.map((series) => {
		const id = series.record.id;
		return buildReportRow(
			series,
			{ atStart: atStart!.get(id), atEnd: atEnd!.get(id), firstFromStart: firstFromStart!.get(id), atPreviousStart: atPreviousStart!.get(id) },
			period,
			query.minBase
		);
	});
	return {
		ok: true,
		report: {
			period: { start: period.start.toISOString(), end: period.end.toISOString(), previousStart: previousStart.toISOString(), label: period.label },
			minBase: query.minBase,
			rows: [...rows, ...listPublishedGrowthRows(rows.map((r) => r.series), period)]
		}
	};
}
