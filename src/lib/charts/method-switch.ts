import type { ChartSeriesInput } from './datasets.js';

/**
 * Where a series switches from a rebuilt history to observed values (the one switch a series can
 * have: rebuilt values are kept only before the first observed one), and what each part counts where
 * the two definitions differ, for the chart's legend. The series note says the same at length.
 */

/** What each method counts, per metric, where they differ (jobs' notes on the reconstructions). */
const definitions: Record<string, { reconstructed: string; observed: string }> = {
	contributors: {
		reconstructed: 'accounts and e-mails from the commits, bots left out',
		observed: "GitHub's contributors list, anonymous authors included"
	},
	stars: { reconstructed: 'stars still held today, by the day each was given', observed: 'all stars at each poll' },
	repositories: { reconstructed: 'repositories created by each month end, as search sees them today', observed: 'the search total at each poll' }
};

export interface MethodSwitch {
	label: string;
	/** The first observed point's date (YYYY-MM-DD, UTC). */
	observedFrom: string;
	/** What each part counts, when known for the metric. */
	definition: { reconstructed: string; observed: string } | undefined;
}

export function findMethodSwitch(input: ChartSeriesInput, label: string): MethodSwitch | undefined {
	const firstObserved = input.pointProvenance.indexOf('observed');
	if (firstObserved <= 0 || !input.pointProvenance.slice(0, firstObserved).includes('reconstructed')) return undefined;
	return { label, observedFrom: input.points[firstObserved]![0].slice(0, 10), definition: definitions[input.metric] };
}
