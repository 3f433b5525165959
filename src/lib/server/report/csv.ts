import { formatCsvRows, type Cell } from '../export/csv-cells.js';
import type { GrowthReport } from './build.js';

const columns = [
	'series', 'target', 'metric',
	'start_requested', 'start_date', 'start_value', 'start_provenance',
	'end_requested', 'end_date', 'end_value', 'end_provenance',
	'change', 'growth_percent', 'multiplier', 'cagr_percent', 'previous_growth_percent',
	'method', 'citations', 'warnings', 'statement',
	// true for a growth figure published as a percentage only (no base value): its start and end are empty.
	'published_percent_only', 'published_period'
];

/** The report as CSV: one row per series, numbers unrounded, lists joined with " | ". */
export function formatReportCsv(report: GrowthReport): string {
	const rows: Cell[][] = report.rows.map((r) => [
		r.series, r.target, r.metric,
		r.start?.requested ?? report.period.start, r.start?.ts ?? null, r.start?.value ?? null, r.start?.provenance ?? null,
		r.end?.requested ?? report.period.end, r.end?.ts ?? null, r.end?.value ?? null, r.end?.provenance ?? null,
		r.change, r.growthPercent, r.multiplier, r.cagrPercent, r.previousGrowthPercent,
		r.method, r.citations.join(' | '), r.warnings.join(' | '), r.statement,
		String(r.isPublishedPercentOnly), r.publishedPeriod ? `${r.publishedPeriod.from}/${r.publishedPeriod.to}` : null
	]);
	return formatCsvRows([columns, ...rows]);
}

/** dockpulse_report_2014-06-09_to_2015-06-22.csv */
export function buildReportFileName(report: GrowthReport): string {
	return `dockpulse_report_${report.period.start.slice(0, 10)}_to_${report.period.end.slice(0, 10)}.csv`;
}
