import { sql } from 'drizzle-orm';
import type { TargetRef } from '../../../refs.js';
import { queryRows, type Db } from '../client.js';

/**
 * Series with their targets, for the series search and the per-target page: plain joins of targets
 * and series; no sample is read, so they stay cheap however many samples the store holds.
 */

export interface CatalogRow {
	source: string;
	key: string;
	display_name: string;
	metric: string;
	unit: string;
}

// A series' searchable text as lower-case words of letters and digits, each after a space, so that a
// word prefix is a plain LIKE '% word%': no pattern syntax reaches the query, only [a-z0-9] words.
const searchText = sql`' ' || regexp_replace(lower(t.source || ' ' || t.key || ' ' || t.display_name || ' ' || s.metric), '[^a-z0-9]+', ' ', 'g')`;

/**
 * Series whose target reference, display name or metric has a word starting with each of `words`
 * (lower-case [a-z0-9]+ words; none lists every series), closest first: shorter keys before longer
 * ones ("moby" finds moby/moby before moby/buildkit), then by reference. A scan of the series and
 * targets tables, no sample read: a few milliseconds per 10,000 series.
 */
export function searchSeriesWithTargets(db: Db, words: readonly string[], limit: number): Promise<CatalogRow[]> {
	const matches = words.map((word) => sql` and ${searchText} like ${`% ${word}%`}`);
	return queryRows<CatalogRow>(
		db,
		sql`select t.source, t.key, t.display_name, s.metric, s.unit
			from series s join targets t on t.id = s.target_id
			where true${sql.join(matches)}
			order by length(t.key), t.source, t.key, s.metric
			limit ${limit}`
	);
}

/** The first `limit` series (of one source if given), by reference, for a view that needs some to show. */
export function listFirstSeries(db: Db, limit: number, source?: string): Promise<CatalogRow[]> {
	const ofSource = source === undefined ? sql`` : sql`where t.source = ${source}`;
	return queryRows<CatalogRow>(
		db,
		sql`select t.source, t.key, t.display_name, s.metric, s.unit
			from series s join targets t on t.id = s.target_id
			${ofSource}
			order by t.source, t.key, s.metric
			limit ${limit}`
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
