import { formatMultiplier, formatPercent } from '../../format.js';
import type { ReportRow } from '../../types/report.js';
import { formatPublishedGrowthRef, publishedGrowthFigures, type PublishedGrowthFigure } from '../reference/figures.js';

/**
 * The growth figures published as percentages only (Boot2Docker downloads +1,456%, job offers
 * +1,720%), as report rows beside the computed ones: a report that reads the published reference
 * series over a period touching the figures' months gets them too, so that the 2014-06-09 ->
 * 2015-06-22 report lists all seven of the seed's figures. They carry no samples, so nothing is
 * computed from them and they are marked `isPublishedPercentOnly`.
 */

function monthStart(month: string): Date {
	return new Date(`${month}-01T00:00:00Z`);
}

function monthEnd(month: string): Date {
	const start = monthStart(month);
	return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1) - 1);
}

function toReportRow(figure: PublishedGrowthFigure): ReportRow {
	const multiplier = 1 + figure.percent / 100;
	// "Boot2Docker downloads"; a name that already says the metric ("Job offers involving Docker") is not followed by it again.
	const name = figure.targetName.replace(/\s*\(published growth\)$/, '');
	const metric = figure.metric.replaceAll('_', ' ');
	const subject = name.toLowerCase().includes(metric) ? name : `${name} ${metric}`;
	return {
		series: formatPublishedGrowthRef(figure),
		target: `reference:${figure.key}`,
		targetName: figure.targetName,
		metric: figure.metric,
		start: null,
		end: null,
		change: null,
		growthPercent: figure.percent,
		multiplier,
		cagrPercent: null,
		previousGrowthPercent: null,
		method: 'published growth percentage, no base value',
		citations: [figure.citation],
		warnings: [figure.caveat],
		statement: `${subject} grew ${formatPercent(figure.percent).replace(/^\+/, '')} (${formatMultiplier(multiplier)}) from ${figure.period.from} to ${figure.period.to}, as published (no base value found)`,
		isPublishedPercentOnly: true,
		publishedPeriod: { ...figure.period }
	};
}

/** The published-percent-only rows for a report over `seriesRefs` and `period`: none unless it reads reference series over their months. */
export function listPublishedGrowthRows(seriesRefs: readonly string[], period: { start: Date; end: Date }): ReportRow[] {
	if (!seriesRefs.some((ref) => ref.startsWith('reference:'))) return [];
	return publishedGrowthFigures
		.filter((f) => period.start <= monthEnd(f.period.to) && period.end >= monthStart(f.period.from))
		.map(toReportRow);
}
