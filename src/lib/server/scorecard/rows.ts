import { formatCount, formatDate, formatPercent } from '../../format.js';
import type { ScorecardEndpoint, ScorecardMeasured, ScorecardRow, ScorecardSparkline } from '../../types/scorecard.js';
import { describeMeasureSource, distinctContributorsCaveats, type Measure } from './measures.js';
import type { SumGrowth } from './sum.js';

/** One scorecard row from a measure and what its series say over the period. Pure. */

export interface MeasureReading {
	/** The series the measure's source names or matches now (none: nothing is tracked for it). */
	matched: string[];
	sum: SumGrowth | undefined;
	/** The first sample of any matched series: from when the measure exists. */
	firstSampleTs: Date | undefined;
	period: { start: Date; end: Date };
	sparkline: ScorecardSparkline;
	/** Caveats of this reading (a derived measure's left-out inputs). */
	notes?: string[];
}

function endpoint(requested: Date, summed: { value: number; ts: Date; oldestTs: Date }): ScorecardEndpoint {
	return { requested: requested.toISOString(), ts: summed.ts.toISOString(), oldestTs: summed.oldestTs.toISOString(), value: summed.value };
}

function toMeasured(sum: SumGrowth, period: MeasureReading['period']): ScorecardMeasured {
	return {
		series: sum.counted,
		start: endpoint(period.start, sum.start),
		end: endpoint(period.end, sum.end),
		change: sum.growth?.change ?? null,
		growthPercent: sum.growth?.percent ?? null,
		previousGrowthPercent: sum.previousPercent,
		isBaseFirstInPeriod: sum.isBaseFirstInPeriod
	};
}

// Sources a target can be added from; import and reference series come from files, not from tracking.
const trackableSources = new Set(['github', 'dockerhub', 'ecosystem']);

/**
 * What to track for a measure that has nothing tracked, when its source names exact series: any one
 * candidate of a series measure, every series of a sum. Empty for patterns (no one target to name).
 */
export function listTargetsToTrack(source: Measure['source']): string[] {
	if (source.kind === 'distinctContributors') return source.repositories;
	const refs = source.kind === 'series' ? source.candidates : source.kind === 'sum' ? source.selectors.filter((s) => !s.includes('*')) : [];
	const targets = refs.map((ref) => ref.slice(0, ref.lastIndexOf(':'))).filter((t) => trackableSources.has(t.slice(0, t.indexOf(':'))));
	return source.kind === 'series' ? targets.slice(0, 1) : [...new Set(targets)];
}

/** "track github:boot2docker/boot2docker and github:docker/toolbox to measure this", or undefined. */
function describeTracking(measure: Measure): string | undefined {
	const targets = listTargetsToTrack(measure.source);
	if (targets.length === 0) return undefined;
	const list = targets.length === 1 ? targets[0] : `${targets.slice(0, -1).join(', ')} and ${targets.at(-1)}`;
	// A union is rebuilt from commit histories: tracking a repository is not enough until its backfill has read them.
	if (measure.source.kind === 'distinctContributors') return `track ${list} and let the contributor-history backfill finish to measure this`;
	return `track ${list} to measure this`;
}

function describeCoverage(measure: Measure, reading: MeasureReading): string {
	if (measure.source.kind === 'published') return 'none: published figure only';
	if (reading.matched.length === 0 && measure.source.kind === 'distinctContributors') return `no complete contributor history: ${describeTracking(measure)}`;
	if (reading.matched.length === 0) return `no series tracked: ${describeTracking(measure) ?? describeMeasureSource(measure.source)}`;
	const from = reading.firstSampleTs ? `from ${formatDate(reading.firstSampleTs)}` : 'no samples yet';
	if (measure.source.kind === 'distinctContributors') {
		return `${from}; distinct contributors across ${reading.matched.length} of ${measure.source.repositories.length} repositories (${reading.matched.join(', ')})`;
	}
	const counted = reading.sum?.counted.length ?? 0;
	const of = reading.matched.length === 1 ? reading.matched[0] : `${counted} of ${reading.matched.length} series counted in this period`;
	return `${from}; ${of}`;
}

function describeMeasured(measured: ScorecardMeasured, reading: Measure['reading']): string {
	const span = `${formatCount(measured.start.value)} on ${formatDate(measured.start.ts)} to ${formatCount(measured.end.value)} on ${formatDate(measured.end.ts)}`;
	if (measured.growthPercent === null) return reading === 'level' ? `${formatCount(measured.end.value)} on ${formatDate(measured.end.ts)}` : `no growth to compute (${span})`;
	const growth = `${formatPercent(measured.growthPercent)} (${span})`;
	return reading === 'level' ? `${formatCount(measured.end.value)} on ${formatDate(measured.end.ts)}, ${growth}` : growth;
}

function buildSentence(measure: Measure, status: ScorecardRow['status'], measured: ScorecardMeasured | null, tracking: string | undefined): string {
	const published = `published ${measure.published.text}`;
	if (status === 'noSource') return `${measure.label}: no public source; published figure only (${measure.published.text})`;
	if (!measured && tracking) return `${measure.label}: not measured: ${tracking} (${published})`;
	if (!measured) return `${measure.label}: not measured in this period (${published})`;
	return `${measure.label}: ${describeMeasured(measured, measure.reading)}; ${published}`;
}

const dayMs = 86_400_000;

/** A value far from the date asked for (as a growth report warns, report/rows.ts): the figure spans a longer time than the period. */
function listStaleEnds(measured: ScorecardMeasured, period: MeasureReading['period']): string[] {
	const toleranceMs = Math.max(7 * dayMs, 0.1 * (period.end.getTime() - period.start.getTime()));
	const ends = [['start', measured.start], ['end', measured.end]] as const;
	return ends.flatMap(([name, end]) => {
		const offMs = Date.parse(end.requested) - Date.parse(end.oldestTs);
		if (offMs <= toleranceMs) return [];
		return [`The ${name} value is from ${formatDate(end.oldestTs)}, ${Math.round(offMs / dayMs)} days before the requested ${formatDate(end.requested)}`];
	});
}

/** The verification view's line: a configured source is not the one the declared line explains. */
function describeExplanation(measure: Measure): string {
	if (!measure.defaultSource) return measure.explanation;
	if (measure.source.kind === 'distinctContributors') {
		return `Definition: Docker counted contributors across its projects; this counts the distinct commit authors of ${measure.source.repositories.length} declared repositories`;
	}
	return `Measured as configured (${describeMeasureSource(measure.source)}), not by the declared measure: its explanation does not apply`;
}

/** A configured source is not the one the declared caveats describe: they are replaced by what is known of it. */
function describeCaveats(measure: Measure): string[] {
	if (!measure.defaultSource) return measure.caveats;
	const own = measure.source.kind === 'distinctContributors' ? distinctContributorsCaveats : [];
	return [`Measured as configured in the configuration file's scorecard section, not by the declared measure (${describeMeasureSource(measure.defaultSource)})`, ...own];
}

export function buildScorecardRow(measure: Measure, reading: MeasureReading): ScorecardRow {
	const status = measure.source.kind === 'published' ? 'noSource' : reading.sum ? 'measured' : 'noData';
	const measured = status === 'measured' ? toMeasured(reading.sum!, reading.period) : null;
	const caveats = [...describeCaveats(measure), ...(reading.notes ?? [])];
	if (reading.sum && reading.sum.left.length > 0) caveats.push(`Left out, no value in this period: ${reading.sum.left.join(', ')}`);
	if (measured) caveats.push(...listStaleEnds(measured, reading.period));
	if (measured?.isBaseFirstInPeriod) caveats.push(`Nothing on or before ${formatDate(reading.period.start)} for some series: measured from their first value inside the period`);
	return {
		id: measure.id,
		label: measure.label,
		published: measure.published,
		status,
		reading: measure.reading,
		measured,
		method: measure.defaultSource ? `Measured as configured: ${describeMeasureSource(measure.source)}` : measure.method,
		isConfigured: measure.defaultSource !== undefined,
		coverage: describeCoverage(measure, reading),
		caveats,
		explanation: describeExplanation(measure),
		sentence: buildSentence(measure, status, measured, reading.matched.length === 0 ? describeTracking(measure) : undefined),
		sparkline: reading.sparkline
	};
}
