import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { Provenance } from '../schema/index.js';

export interface LatestRow {
	source: string;
	key: string;
	display_name: string;
	added_ms: number;
	is_active: boolean;
	status: 'ok' | 'failing' | 'not_found';
	status_message: string | null;
	collected_ms: number | null;
	/** A namespace's images the analyst removed, which its listing leaves out (null: none). */
	removed_listed: string[] | null;
	metric: string | null;
	unit: string | null;
	kind: 'counter' | 'gauge' | null;
	latest_ms: number | null;
	latest_value: number | null;
	latest_provenance: Provenance | null;
}

/**
 * Every target with each of its series and that series' latest sample, read from series_latest (kept
 * by triggers on samples, migration 0010): one row per series, whatever the size of the history.
 * Exported bare for the benchmark.
 */
export const latestValuesQuery: SQL = sql`
	select t.source, t.key, t.display_name, (extract(epoch from t.added_at) * 1000)::float8 as added_ms,
		t.is_active, t.status, t.status_message, (extract(epoch from t.last_collected_at) * 1000)::float8 as collected_ms,
		t.metadata->'removedListed' as removed_listed,
		s.metric, s.unit, s.kind,
		(extract(epoch from l.ts) * 1000)::float8 as latest_ms, l.value as latest_value,
		l.provenance as latest_provenance
	from targets t
	left join series s on s.target_id = t.id
	left join series_latest l on l.series_id = s.id
	order by t.source, t.key, s.metric`;

export function listLatestValues(db: Db): Promise<LatestRow[]> {
	return queryRows<LatestRow>(db, latestValuesQuery);
}
