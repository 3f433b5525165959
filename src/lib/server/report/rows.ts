import { formatCount, formatDate, formatMultiplier, formatPercent } from '../../format.js';
import type { ReportEndpoint, ReportRow } from '../../types/report.js';
import type { Provenance } from '../../types/samples.js';
import type { SampleAt } from '../db/queries/values-at.js';
import { computeGrowth } from '../metrics/growth.js';
import type { ResolvedSeries } from '../series/selector.js';

/** One row of a growth report: a series' values at both ends of the period and what they say. */

export interface RowSamples {
	atStart: SampleAt | undefined;
	atEnd: SampleAt | undefined;
	firstFromStart: SampleAt | undefined;
	atPreviousStart: SampleAt | undefined;
}

const dayMs = 86_400_000;

const noValues = {
	start: null,
	end: null,
	change: null,
	growthPercent: null,
	multiplier: null,
	cagrPercent: null,
	previousGrowthPercent: null,
	isPublishedPercentOnly: false,
	publishedPeriod: null
} as const;

/** One value in the period (Docker Hub's 240K users, published once) is a level: no growth, not 0%. */
const level = { change: null, percent: null, multiplier: null, cagrPercent: null } as const;

const isSameSample = (start: SampleAt, end: SampleAt) => start.ts.getTime() === end.ts.getTime();

const methods: Record<Provenance, string> = {
	observed: 'observed snapshots',
	imported: 'imported history',
	reconstructed: 'reconstructed history',
	reference: 'published reference figures'
};

/**
 * What the sentence is about: the target's name and the metric ("Docker Hub pulls"). Reference series
 * are named "<what> (published figures)": the sentence names only the what, and a name that already
 * says the metric ("GitHub projects about Docker") is not followed by it again.
 */
function subjectOf(series: ResolvedSeries): string {
	const name = series.record.displayName.replace(/\s*\(published figures\)$/, '');
	const metric = series.record.metric.replaceAll('_', ' ');
	return name.toLowerCase().includes(metric) ? name : `${name} ${metric}`;
}

function endpoint(sample: SampleAt, requested: Date): ReportEndpoint {
	return { requested: requested.toISOString(), ts: sample.ts.toISOString(), value: sample.value, provenance: sample.provenance };
}

function describeMethod(start: SampleAt, end: SampleAt): string {
	return start.provenance === end.provenance ? methods[end.provenance] : `${methods[start.provenance]} to ${methods[end.provenance]}`;
}

function buildStatement(subject: string, start: SampleAt, end: SampleAt, percent: number | null, multiplier: number | null): string {
	if (isSameSample(start, end)) return `${subject}: ${formatCount(end.value)} on ${formatDate(end.ts)}`;
	const from = `from ${formatCount(start.value)} on ${formatDate(start.ts)} to ${formatCount(end.value)} on ${formatDate(end.ts)}`;
	if (percent === null) return `${subject} went ${from}`;
	const verb = percent > 0 ? 'grew' : percent < 0 ? 'fell' : 'stayed level';
	const size = percent === 0 ? '' : ` ${formatPercent(percent).replace(/^[+−]/, '')}${multiplier === null ? '' : ` (${formatMultiplier(multiplier)})`}`;
	return `${subject} ${verb}${size} ${from}`;
}

/** The warnings a careful analyst would add: a far endpoint, a small base, a start without data. */
function listWarnings(samples: RowSamples, start: SampleAt, end: SampleAt, period: { start: Date; end: Date }, minBase: number): string[] {
	const warnings: string[] = [];
	if (isSameSample(start, end)) warnings.push(`one value in this period, on ${formatDate(end.ts)}: no growth to compute`);
	else if (!samples.atStart) warnings.push(`no sample on or before ${formatDate(period.start)}: measured from the first sample, on ${formatDate(start.ts)}`);
	const toleranceMs = Math.max(7 * dayMs, 0.1 * (period.end.getTime() - period.start.getTime()));
	const ends = [['start', start, period.start], ['end', end, period.end]] as const;
	for (const [name, sample, requested] of isSameSample(start, end) ? ends.slice(1) : ends) {
		const offDays = Math.round(Math.abs(requested.getTime() - sample.ts.getTime()) / dayMs);
		if (Math.abs(requested.getTime() - sample.ts.getTime()) > toleranceMs) {
			warnings.push(`the ${name} value is from ${formatDate(sample.ts)}, ${offDays} days from the requested ${formatDate(requested)}`);
		}
	}
	if (Math.abs(start.value) < minBase) warnings.push(`a base of ${formatCount(start.value)} is below ${formatCount(minBase)}: the percentage says little`);
	return warnings;
}

export function buildReportRow(series: ResolvedSeries, samples: RowSamples, period: { start: Date; end: Date }, minBase: number): ReportRow {
	const identity = {
		series: `${series.ref.source}:${series.ref.key}:${series.ref.metric}`,
		target: `${series.ref.source}:${series.ref.key}`,
		targetName: series.record.displayName,
		metric: series.ref.metric
	};
	const start = samples.atStart ?? samples.firstFromStart;
	const end = samples.atEnd;
	if (!start || !end || end.ts < start.ts || end.ts < period.start) {
		const last = end ? ` (last sample ${formatDate(end.ts)})` : '';
		return { ...identity, ...noValues, method: 'none', citations: [], warnings: [`no data in this period${last}`], statement: null };
	}
	const growth = isSameSample(start, end) ? level : computeGrowth(start, end);
	const previous = samples.atPreviousStart && samples.atStart ? computeGrowth(samples.atPreviousStart, samples.atStart).percent : null;
	const citations = [...new Set([start, end].filter((s) => s.provenance === 'reference' && s.note).map((s) => s.note!))];
	return {
		...identity,
		start: endpoint(start, period.start),
		end: endpoint(end, period.end),
		change: growth.change,
		growthPercent: growth.percent,
		multiplier: growth.multiplier,
		cagrPercent: growth.cagrPercent,
		previousGrowthPercent: previous,
		method: describeMethod(start, end),
		citations,
		warnings: listWarnings(samples, start, end, period, minBase),
		statement: buildStatement(subjectOf(series), start, end, growth.percent, growth.multiplier),
		isPublishedPercentOnly: false,
		publishedPeriod: null
	};
}
