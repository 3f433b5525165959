import { formatMultiplier, formatPercent } from '../../format.js';

/** How growth figures read on the overview: "+183% (x2.83)". Browser-safe. */

export interface GrowthFigures {
	percent: number | null;
	multiplier: number | null;
}

/** "+183% (x2.83)"; "new" when the base is zero (any growth from nothing is infinite). */
export function formatGrowth(growth: GrowthFigures): string {
	if (growth.percent === null) return 'new';
	const percent = formatPercent(growth.percent);
	return growth.multiplier === null ? percent : `${percent} (${formatMultiplier(growth.multiplier)})`;
}

/** The colour class of a change: up is good, down is bad, no change is neither. */
export function classifyChange(change: number): 'up' | 'down' | 'flat' {
	return change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
}
