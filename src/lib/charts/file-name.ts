/**
 * A download's file name that says what is inside: the series, the interval, the transform and the
 * range, e.g. `dockpulse_github-moby-moby-stars_month_value_2015-01-01_to_today`. Letters, digits,
 * dots, dashes and underscores only, so every operating system accepts it.
 */
export function buildChartFileName(parts: {
	series: readonly string[];
	interval: string;
	transform: string;
	from?: string;
	to?: string;
	log?: boolean;
}): string {
	const slug = (text: string) => text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
	const names = parts.series.slice(0, 3).map(slug).join('+');
	const more = parts.series.length > 3 ? `+${parts.series.length - 3}-more` : '';
	const range = `${parts.from ?? 'start'}_to_${parts.to ?? 'today'}`;
	return ['dockpulse', `${names}${more}`, parts.interval, parts.transform + (parts.log ? '-log' : ''), range].join('_');
}
