import type { Provenance } from './samples.js';

export interface ReportEndpoint {
	/** The instant asked for, and the sample actually used (the nearest on or before it). */
	requested: string;
	ts: string;
	value: number;
	provenance: Provenance;
}

/** One row of a growth report: a series' values at both ends of the period and what they say. */
export interface ReportRow {
	series: string;
	target: string;
	targetName: string;
	metric: string;
	start: ReportEndpoint | null;
	end: ReportEndpoint | null;
	change: number | null;
	growthPercent: number | null;
	multiplier: number | null;
	cagrPercent: number | null;
	/** Growth over the period of the same length just before, for period-over-period comparison. */
	previousGrowthPercent: number | null;
	method: string;
	citations: string[];
	warnings: string[];
	statement: string | null;
	/**
	 * A growth figure published as a percentage only (no base value found): no samples stand behind it,
	 * so start, end and change are null and growthPercent is the published one, over `publishedPeriod`.
	 */
	isPublishedPercentOnly: boolean;
	/** The published comparison's months (YYYY-MM) for such a row; null for a row computed from samples. */
	publishedPeriod: { from: string; to: string } | null;
}
