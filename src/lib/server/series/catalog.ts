import { formatSeriesRef, formatTargetRef, type TargetRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { listFirstSeries, listTargetSeries, searchSeriesWithTargets, type CatalogRow } from '../db/queries/series-catalog.js';
import { listTargetLinks } from '../db/queries/target-links.js';
import { derivedMetrics, type DerivedMetric } from './derived.js';

/** Series with their targets: the series search, the explorer's default and the per-target page. */

export interface CatalogEntry {
	series: string;
	target: string;
	targetName: string;
	metric: string;
	unit: string;
}

export interface TargetSummary {
	target: string;
	displayName: string;
	status: 'ok' | 'failing' | 'not_found';
	statusMessage: string | null;
	lastCollectedAt: string | null;
	isActive: boolean;
	series: CatalogEntry[];
}

export interface SeriesSearchResult {
	series: CatalogEntry[];
	/** True when more series match than were answered. */
	truncated: boolean;
}

/**
 * The search's words: letters and digits, lower-cased, anything else a separator (so a reference such
 * as "github:moby/moby:st" searches as its parts). At most 8 count: more narrow nothing in practice.
 */
export function toSearchWords(q: string): string[] {
	return q.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).slice(0, 8);
}

/**
 * Series whose target, display name or metric have words starting with every word of `q`: the stored
 * ones first, then the derived series of linked pairs (named by either end, e.g. "nginx per star").
 */
export async function searchSeries(db: Db, q: string, limit: number): Promise<SeriesSearchResult> {
	const words = toSearchWords(q);
	const [rows, derived] = await Promise.all([searchSeriesWithTargets(db, words, limit + 1), searchDerivedSeries(db, words)]);
	const found = [...rows.map(toEntry), ...derived];
	return { series: found.slice(0, limit), truncated: found.length > limit };
}

/** The derived series of every link (a few per pair, so matched here rather than in SQL). */
async function searchDerivedSeries(db: Db, words: readonly string[]): Promise<CatalogEntry[]> {
	const entries = (await listTargetLinks(db)).flatMap((link) =>
		(Object.keys(derivedMetrics) as DerivedMetric[]).map((metric) => ({
			series: `derived:dockerhub:${link.hub_key}:${metric}`,
			target: `dockerhub:${link.hub_key}`,
			targetName: `${link.hub_name} / ${link.github_name}`,
			metric,
			unit: derivedMetrics[metric].unit,
			// All the words, not toSearchWords' first 8 (that cap is for the query).
			text: `derived dockerhub ${link.hub_key} ${link.hub_name} github ${link.github_key} ${link.github_name} ${metric}`.toLowerCase().split(/[^a-z0-9]+/)
		}))
	);
	return entries
		.filter((entry) => words.every((word) => entry.text.some((w) => w.startsWith(word))))
		.map(({ text: _text, ...entry }) => entry);
}

/** The first `limit` series of a source, or of all when none is given. */
export async function listFirstSeriesRefs(db: Db, limit: number, source?: string): Promise<string[]> {
	return (await listFirstSeries(db, limit, source)).map((row) => formatSeriesRef(row));
}

function toEntry(row: CatalogRow): CatalogEntry {
	return {
		series: formatSeriesRef(row),
		target: formatTargetRef(row),
		targetName: row.display_name,
		metric: row.metric,
		unit: row.unit
	};
}

/** One target with its series, or undefined when it is not tracked. */
export async function getTargetSummary(db: Db, ref: TargetRef): Promise<TargetSummary | undefined> {
	const rows = await listTargetSeries(db, ref);
	const first = rows[0];
	if (!first) return undefined;
	return {
		target: formatTargetRef(first),
		displayName: first.display_name,
		status: first.status,
		statusMessage: first.status_message,
		lastCollectedAt: first.collected_ms === null ? null : new Date(Number(first.collected_ms)).toISOString(),
		isActive: first.is_active,
		series: rows.flatMap((r) => (r.metric === null || r.unit === null ? [] : [toEntry({ ...r, metric: r.metric, unit: r.unit })]))
	};
}
