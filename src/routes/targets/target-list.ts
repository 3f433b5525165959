/**
 * Filtering, grouping and sorting of the targets list, done in the browser as the filter box is typed
 * in (and on the server for the first render, so that `?q=` works without JavaScript). Pure.
 */

/** The fields of a listed target this module reads (TargetView has them all). */
export interface ListedTarget {
	target: string;
	source: string;
	displayName: string;
	status: 'ok' | 'failing' | 'not_found';
	statusMessage: string | null;
	lastCollectedAt: string | null;
	series: { metric: string }[];
}

export const sortKeys = ['name', 'status', 'collected'] as const;
export type SortKey = (typeof sortKeys)[number];

const sourceOrder = ['dockerhub', 'github', 'ecosystem', 'import', 'reference'];
const sourceLabels: Record<string, string> = {
	dockerhub: 'Docker Hub',
	github: 'GitHub',
	ecosystem: 'Ecosystem',
	import: 'Imported',
	reference: 'Reference figures'
};

export function getSourceLabel(source: string): string {
	return sourceLabels[source] ?? source;
}

/** Case-insensitive match on every word of the query against name, reference, metrics and status. */
export function filterTargets<T extends ListedTarget>(targets: readonly T[], query: string): T[] {
	const words = query.toLowerCase().split(/\s+/).filter(Boolean);
	if (words.length === 0) return [...targets];
	return targets.filter((t) => {
		const text = [t.displayName, t.target, t.status.replace('_', ' '), ...t.series.map((s) => s.metric)].join(' ').toLowerCase();
		return words.every((w) => text.includes(w));
	});
}

// Problems first: a failing target is what someone opening this page wants to see.
const statusRank = { failing: 0, not_found: 1, ok: 2 } as const;

export function compareTargets(a: ListedTarget, b: ListedTarget, key: SortKey): number {
	const byName = a.displayName.localeCompare(b.displayName, 'en') || a.target.localeCompare(b.target, 'en');
	if (key === 'status') return statusRank[a.status] - statusRank[b.status] || byName;
	if (key === 'collected') {
		// Most recently collected first; never collected last.
		const at = (t: ListedTarget) => (t.lastCollectedAt ? Date.parse(t.lastCollectedAt) : -Infinity);
		return at(b) - at(a) || byName;
	}
	return byName;
}

export interface SourceGroup<T> {
	source: string;
	label: string;
	targets: T[];
}

/**
 * Targets by source, sources in a fixed order (unknown ones after, alphabetically), each group sorted
 * (null: kept in the order given, as a page of a long list comes in reference order).
 */
export function groupBySource<T extends ListedTarget>(targets: readonly T[], key: SortKey | null): SourceGroup<T>[] {
	const groups = new Map<string, T[]>();
	for (const t of targets) groups.set(t.source, [...(groups.get(t.source) ?? []), t]);
	const rank = (source: string) => {
		const i = sourceOrder.indexOf(source);
		return i < 0 ? sourceOrder.length : i;
	};
	return [...groups.entries()]
		.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b, 'en'))
		.map(([source, list]) => ({ source, label: getSourceLabel(source), targets: key ? list.sort((a, b) => compareTargets(a, b, key)) : list }));
}

/** A page of a long targets list: the filter kept, and where the page starts (after) or ends (before). */
export function getListPageHref(q: string, cursor: { after: string } | { before: string } | null): string {
	const params = new URLSearchParams({ ...(q ? { q } : {}), ...cursor });
	return params.size > 0 ? `?${params}` : '?';
}

/** The per-target page's address; the reference's colon and slashes stay readable. */
export function getTargetHref(target: string): string {
	return `/targets/${target.split('/').map(encodeURIComponent).join('/').replaceAll('%3A', ':')}`;
}
