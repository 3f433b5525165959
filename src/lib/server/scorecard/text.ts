import { formatCount, formatPercent } from '../../format.js';
import type { Scorecard, ScorecardRow } from '../../types/scorecard.js';
import { formatCsvRows, type Cell } from '../export/csv-cells.js';

/** The scorecard as text to paste (reads like the slide) and as CSV (formula-safe cells, numbers unrounded). */

function summarise(row: ScorecardRow): string {
	if (row.status === 'noSource') return `${row.label}: published figure only (${row.published.text})`;
	if (!row.measured) return `${row.label}: not measured`;
	if (row.reading === 'level' || row.measured.growthPercent === null) return `${row.label}: ${formatCount(row.measured.end.value)}`;
	return `${row.label} ${formatPercent(row.measured.growthPercent)}`;
}

/** "Docker ecosystem, 2025: contributors +12%, ...", then one sentence per row. */
export function formatScorecardText(scorecard: Scorecard): string {
	const headline = `${scorecard.title}: ${scorecard.rows.map(summarise).join('; ')}.`;
	return [headline, '', ...scorecard.rows.map((r) => `- ${r.sentence}`)].join('\n') + '\n';
}

const columns = [
	'measure', 'label', 'published', 'published_percent', 'published_value', 'published_citations', 'status', 'series',
	'start_requested', 'start_date', 'start_value', 'end_requested', 'end_date', 'end_value',
	'change', 'growth_percent', 'previous_growth_percent', 'method', 'coverage', 'caveats', 'explanation', 'sentence'
];

export function formatScorecardCsv(scorecard: Scorecard): string {
	const rows: Cell[][] = scorecard.rows.map((r) => {
		const m = r.measured;
		return [
			r.id, r.label, r.published.text, r.published.percent, r.published.value, r.published.citations.join(' | '), r.status, m?.series.join(' | ') ?? null,
			m?.start.requested ?? scorecard.period.start, m?.start.ts ?? null, m?.start.value ?? null,
			m?.end.requested ?? scorecard.period.end, m?.end.ts ?? null, m?.end.value ?? null,
			m?.change ?? null, m?.growthPercent ?? null, m?.previousGrowthPercent ?? null, r.method, r.coverage, r.caveats.join(' | '), r.explanation, r.sentence
		];
	});
	return formatCsvRows([columns, ...rows]);
}

/** dockpulse_scorecard_2014-06-09_to_2015-06-22.csv */
export function buildScorecardFileName(scorecard: Scorecard): string {
	return `dockpulse_scorecard_${scorecard.period.start.slice(0, 10)}_to_${scorecard.period.end.slice(0, 10)}.csv`;
}
