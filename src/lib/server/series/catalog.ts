import { sql } from 'drizzle-orm';
import { formatSeriesRef, formatTargetRef, type TargetRef } from '../../refs.js';
import { queryRows, type Db } from '../db/client.js';

/**
 * Every series with its target, for the explorer's search list and the per-target page. A plain join
 * of targets and series: no sample is read, so it stays cheap however many samples the store holds.
 */

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

interface CatalogRow {
	source: string;
	key: string;
	display_name: string;
	metric: string;
	unit: string;
}

export async function listSeriesCatalog(db: Db): Promise<CatalogEntry[]> {
	const rows = await queryRows<CatalogRow>(
		db,
		sql`select t.source, t.key, t.display_name, s.metric, s.unit
			from series s join targets t on t.id = s.target_id
			order by t.source, t.key, s.metric`
	);
	return rows.map(toEntry);
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

interface TargetRow extends Omit<CatalogRow, 'metric' | 'unit'> {
	metric: string | null;
	unit: string | null;
	status: TargetSummary['status'];
	status_message: string | null;
	collected_ms: string | number | null;
	is_active: boolean;
}

/** One target with its series, or undefined when it is not tracked. */
export async function getTargetSummary(db: Db, ref: TargetRef): Promise<TargetSummary | undefined> {
	const rows = await queryRows<TargetRow>(
		db,
		sql`select t.source, t.key, t.display_name, t.status, t.status_message, t.is_active,
				extract(epoch from t.last_collected_at) * 1000 as collected_ms, s.metric, s.unit
			from targets t left join series s on s.target_id = t.id
			where t.source = ${ref.source} and t.key = ${ref.key}
			order by s.metric`
	);
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
