import type { CounterConfig } from '../config.js';

/**
 * Counter hygiene. Pull and star counters only grow, yet the sources misbehave: Docker Hub's
 * pull_count has stalled for weeks, frozen at 2^31 - 1 and been corrected downwards; stars are
 * withdrawn. Such values are stored as observed, but flagged so that charts and exports can show
 * them; nothing is dropped or clipped.
 */
export type CounterFlag = 'decrease' | 'stall' | 'jump';

export interface PreviousSample {
	tMs: number;
	value: number;
	/** The value the counter had stallDays before the new sample, if it was tracked then. */
	valueStallDaysAgo: number | undefined;
}

export function computeCounterFlags(previous: PreviousSample | undefined, value: number, config: CounterConfig): CounterFlag[] {
	if (!previous) return [];
	const flags: CounterFlag[] = [];
	if (value < previous.value) flags.push('decrease');
	// Counters only grow, so the same value now, at the last sample and stallDays ago means no movement.
	if (value === previous.value && previous.valueStallDaysAgo === value) flags.push('stall');
	if (previous.value > 0 && value > previous.value * config.jumpFactor) flags.push('jump');
	return flags;
}
