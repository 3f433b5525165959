import { formatSeriesRef, formatTargetRef, type TargetRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { listSeriesWithTargets, listTargetSeries, type CatalogRow } from '../db/queries/series-catalog.js';

/** Every series with its target, for the explorer's search list and the per-target page. */

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

export async function listSeriesCatalog(db: Db): Promise<CatalogEntry[]> {
	return (await listSeriesWithTargets(db)).map(toEntry);
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
