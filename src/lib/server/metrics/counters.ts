import type { SeriesKind } from './catalog.js';

/**
 * Counter hygiene. Pull and star counters only grow, yet the sources misbehave: Docker Hub's
 * pull_count has stalled for weeks, frozen at 2^31 - 1 and been corrected downwards; stars are
 * withdrawn. Such values are stored as observed, but flagged so that charts and exports can show
 * them; nothing is dropped or clipped.
 *
 * This module is the definition; db/queries/sample-flags.ts computes the same flags set-wise in SQL
 * (the integration tests hold the two equal). A sample's flags depend on its own value, the sample
 * before it and the one stallDays before it, so they are recomputed whenever a neighbour changes.
 */
export type CounterFlag = 'decrease' | 'stall' | 'jump' | 'frozen' | 'wrapped';

/** The COUNTER_* settings (config-counters.ts reads them). */
export interface CounterConfig {
	/** An increase to more than this many times the previous value is flagged as a jump. */
	jumpFactor: number;
	/** A counter unchanged for longer than this is flagged as stalled (only for stallMetrics). */
	stallDays: number;
	/**
	 * Metrics whose stall means a fault. Pulls only by default: releases, contributors and a quiet
	 * repository's stars stay flat for weeks as a matter of course, so a stall there says nothing.
	 */
	stallMetrics: string[];
}

export const defaultCounterConfig: CounterConfig = { jumpFactor: 2, stallDays: 3, stallMetrics: ['pulls'] };

/** The flags derived from neighbouring samples, in the order they are stored; other flags on a row are kept. */
export const counterFlags: readonly CounterFlag[] = ['decrease', 'stall', 'jump', 'frozen', 'wrapped'];

/** Docker Hub's pull_count sat at the int32 maximum for months (2020-2021): a ceiling, not a measure. */
export const frozenValue = 2 ** 31 - 1;

/**
 * A counter kept in 32 bits wraps: a signed one goes negative, an unsigned one drops by 2^32 (less the
 * growth since the previous sample). A drop within an eighth of 2^32 of it is read as a wrap; a real
 * correction of that size (half a billion and more) has not been seen.
 */
export const wrapSpan = 2 ** 32;
export const wrapTolerance = 2 ** 29;

/** How one series is judged: from the settings and the series' metric and kind. */
export interface FlagRules {
	isCounter: boolean;
	isStallChecked: boolean;
	jumpFactor: number;
	stallDays: number;
}

/** What a series' flags depend on besides its values; `source` is its target's. */
export interface FlaggedSeries {
	metric: string;
	kind: SeriesKind;
	source: string;
}

export function resolveFlagRules(config: CounterConfig, series: FlaggedSeries): FlagRules {
	return {
		// Published figures (source `reference`) are citations years apart, not readings of a counter:
		// 2.75M then 500M pulls is the story they tell, not a jump to flag.
		isCounter: series.kind === 'counter' && series.source !== 'reference',
		isStallChecked: config.stallMetrics.includes(series.metric),
		jumpFactor: config.jumpFactor,
		stallDays: config.stallDays
	};
}

export interface PreviousSample {
	tMs: number;
	value: number;
	/** The value of the latest sample at or before stallDays before the new one, if there is one. */
	valueStallDaysAgo: number | undefined;
}

export function computeCounterFlags(previous: PreviousSample | undefined, value: number, rules: FlagRules): CounterFlag[] {
	// A gauge (watchers, open issues) goes up and down by nature: nothing to flag.
	if (!rules.isCounter) return [];
	const flags: CounterFlag[] = [];
	if (previous && value < previous.value) flags.push('decrease');
	// Counters only grow, so the same value now, at the last sample and stallDays ago means no movement.
	if (rules.isStallChecked && previous && value === previous.value && previous.valueStallDaysAgo === value) flags.push('stall');
	if (previous && previous.value > 0 && value > previous.value * rules.jumpFactor) flags.push('jump');
	if (value === frozenValue) flags.push('frozen');
	if (value < 0 || (previous !== undefined && Math.abs(previous.value - value - wrapSpan) <= wrapTolerance)) flags.push('wrapped');
	return flags;
}

export interface TimedValue {
	tMs: number;
	value: number;
}

/** The flags of every sample of a series sorted by time, each judged against the samples before it. */
export function computeSeriesFlags(samples: readonly TimedValue[], rules: FlagRules): CounterFlag[][] {
	const stallMs = rules.stallDays * 86_400_000;
	let anchor = -1; // index of the latest sample at or before stallDays before the current one
	return samples.map((sample, i) => {
		while (anchor + 1 < i && samples[anchor + 1]!.tMs <= sample.tMs - stallMs) anchor++;
		const before = samples[i - 1];
		const previous = before && { tMs: before.tMs, value: before.value, valueStallDaysAgo: anchor >= 0 ? samples[anchor]!.value : undefined };
		return computeCounterFlags(previous, sample.value, rules);
	});
}
