/**
 * What each known metric measures. A series created without an explicit unit or kind (an import of a
 * new metric, say) takes them from here; an unknown metric is a gauge counted in its own name.
 */

export type SeriesKind = 'counter' | 'gauge';

export interface MetricInfo {
	unit: string;
	kind: SeriesKind;
}

const catalog: Record<string, MetricInfo> = {
	pulls: { unit: 'pulls', kind: 'counter' },
	stars: { unit: 'stars', kind: 'counter' },
	forks: { unit: 'forks', kind: 'counter' },
	watchers: { unit: 'watchers', kind: 'gauge' },
	open_issues: { unit: 'issues', kind: 'gauge' },
	releases: { unit: 'releases', kind: 'counter' },
	contributors: { unit: 'contributors', kind: 'counter' },
	repositories: { unit: 'repositories', kind: 'counter' },
	users: { unit: 'users', kind: 'counter' },
	projects: { unit: 'projects', kind: 'counter' },
	downloads: { unit: 'downloads', kind: 'counter' }
};

export function getMetricInfo(metric: string): MetricInfo {
	return catalog[metric] ?? { unit: metric, kind: 'gauge' };
}
