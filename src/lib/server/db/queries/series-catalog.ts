import { sql } from 'drizzle-orm';
import type { TargetRef } from '../../../refs.js';
import { queryRows, type Db } from '../client.js';

/**
 * Series with their targets, for the explorer's search list and the per-target page: plain joins of
 * targets and series; no sample is read, so they stay cheap however many samples the store holds.
 */

export interface CatalogRow {
	source: string;
	key: string;
	display_name: string;
	metric: string;
	unit: string;
}

/** Every series with its target, by target and metric. */
export function listSeriesWithTargets(db: Db): Promise<CatalogRow[]> {
	return queryRows<CatalogRow>(
		db,
		sql`select t.source, t.key, t.display_name, s.metric, s.unit
			from series s join targets t on t.id = s.target_id
			order by t.source, t.key, s.metric`
	);
}

export interface TargetSeriesRow extends Omit<CatalogRow, 'metric' | 'unit'> {
	/** Null on the one row of a target that has no series yet. */
	metric: string | null;
	unit: string | null;
	status: 'ok' | 'failing' | 'not_found';
	status_message: string | null;
	collected_ms: string | number | null;
	is_active: boolean;
}

/** One target, one row per series (or one row with no series); no row when it is not tracked. */
export function listTargetSeries(db: Db, ref: TargetRef): Promise<TargetSeriesRow[]> {
	return queryRows<TargetSeriesRow>(
		db,
		sql`select t.source, t.key, t.display_name, t.status, t.status_message, t.is_active,
				extract(epoch from t.last_collected_at) * 1000 as collected_ms, s.metric, s.unit
			from targets t left join series s on s.target_id = t.id
			where t.source = ${ref.source} and t.key = ${ref.key}
			order by s.metric`
	);
}
