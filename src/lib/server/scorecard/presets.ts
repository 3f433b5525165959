import type { ScorecardPreset } from '../../types/scorecard.js';
import { publishedPeriod } from './measures.js';

/**
 * The periods the scorecard page offers: the published one (2014-06-09 -> 2015-06-22, the
 * verification view), the last 12 months to today, and each calendar year from the first sample's
 * year to this one (the current year to today). Pure; dates are UTC days.
 */


const day = (d: Date) => d.toISOString().slice(0, 10);

export function listScorecardPresets(firstSample: Date | undefined, now: Date): ScorecardPreset[] {
	const today = day(now);
	const yearAgo = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), now.getUTCDate()));
	const presets: ScorecardPreset[] = [
		{ label: 'Published: DockerCon 2014 to 2015', ...publishedPeriod },
		{ label: 'Last 12 months', from: day(yearAgo), to: today }
	];
	const thisYear = now.getUTCFullYear();
	for (let year = firstSample?.getUTCFullYear() ?? thisYear; year <= thisYear; year++) {
		presets.push({ label: String(year), from: `${year}-01-01`, to: year === thisYear ? today : `${year}-12-31` });
	}
	return presets;
}
