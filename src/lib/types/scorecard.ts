/** The ecosystem scorecard as the API and the page see it; browser-safe. */

export interface ScorecardEndpoint {
	/** The instant asked for. */
	requested: string;
	/** The newest sample used (for a sum, members may be older: oldestTs). */
	ts: string;
	oldestTs: string;
	value: number;
}

export interface ScorecardMeasured {
	/** The series summed (one for a single-series measure). */
	series: string[];
	start: ScorecardEndpoint;
	end: ScorecardEndpoint;
	change: number | null;
	/** null for one value in the period (a level) or a zero base. */
	growthPercent: number | null;
	/** Growth over the period of equal length just before; null when it cannot be measured. */
	previousGrowthPercent: number | null;
	/** Measured from the first sample inside the period: nothing on or before its start. */
	isBaseFirstInPeriod: boolean;
}

export interface ScorecardPublished {
	/** As the slide said it: "+183%", "+934% (Boot2Docker downloads +1,456%)", "240,000". */
	text: string;
	/** The growth the measured figure is compared with, or null for a level. */
	percent: number | null;
	/** The level the measured end value is compared with (Docker Hub users), or null for a growth. */
	value: number | null;
	citations: string[];
}

export interface ScorecardSparkline {
	points: [number, number][];
	provenance: string[];
}

export type ScorecardStatus = 'measured' | 'noData' | 'noSource';

export interface ScorecardRow {
	id: string;
	label: string;
	published: ScorecardPublished;
	status: ScorecardStatus;
	/** growth: compared on growth %; level: on the value at the period's end (Docker Hub's 150,000 repositories). */
	reading: 'growth' | 'level';
	measured: ScorecardMeasured | null;
	method: string;
	/** Measured by a source from the configuration file's scorecard section, not the declared one. */
	isConfigured: boolean;
	/** From when the measure exists, and how many series it covers. */
	coverage: string;
	caveats: string[];
	/** Why published and measured differ, in one line (the verification view). */
	explanation: string;
	/** The row as the slide would say it, with the measured figure. */
	sentence: string;
	/** A single-series measure over the period, thinned: [epoch ms, value] and each point's provenance; empty otherwise. */
	sparkline: ScorecardSparkline;
}

/** A period the page offers. */
export interface ScorecardPreset {
	label: string;
	from: string;
	to: string;
}

export interface Scorecard {
	period: { start: string; end: string; previousStart: string; label: string };
	/** The period is the published one (2014-06-09 -> 2015-06-22): the verification view applies. */
	isPublishedPeriod: boolean;
	title: string;
	rows: ScorecardRow[];
	/** The published period, the last 12 months and each calendar year since the first sample. */
	presets: ScorecardPreset[];
}
