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

const latestColumns = sql`t.source, t.key, t.display_name, (extract(epoch from t.added_at) * 1000)::float8 as added_ms,
		t.is_active, t.status, t.status_message, (extract(epoch from t.last_collected_at) * 1000)::float8 as collected_ms,
		t.metadata->'removedListed' as removed_listed,
		s.metric, s.unit, s.kind,
		(extract(epoch from l.ts) * 1000)::float8 as latest_ms, l.value as latest_value,
		l.provenance as latest_provenance`;

/**
 * Every target with each of its series and that series' latest sample, read from series_latest (kept
 * by triggers on samples, migration 0010): one row per series, whatever the size of the history.
 * Exported bare for the benchmark.
 */
export const latestValuesQuery: SQL = sql`
	select ${latestColumns}
	from targets t
	left join series s on s.target_id = t.id
	left join series_latest l on l.series_id = s.id
	order by t.source, t.key, s.metric`;

export function listLatestValues(db: Db): Promise<LatestRow[]> {
	return queryRows<LatestRow>(db, latestValuesQuery);
}

/** One page of targets in (source, key) order: the bounds and filters of latestPageQuery. */
export interface LatestPageRequest {
	/** The page starts after this target (or, when isBackward, ends before it); none: at the start (or end). */
	cursor?: { source: string; key: string } | undefined;
	isBackward?: boolean;
	/** How many targets at most; null: every target from the cursor on. */
	limit: number | null;
	/** Every word must occur, case-insensitively, in the display name, reference, status or a metric. */
	words: readonly string[];
	source?: string | undefined;
	/** Only these targets (none: any). */
	only?: readonly { source: string; key: string }[] | undefined;
}

// The same text the browser's filterTargets matches a word against, field by field: a word holds no
// whitespace, so it cannot span two fields joined by a space. strpos, not like, so that % and _ in a
// word are no wildcards.
const matchesWord = (word: string): SQL => sql`(
		strpos(lower(t.display_name || ' ' || t.source || ':' || t.key || ' ' || replace(t.status, '_', ' ')), lower(${word})) > 0
		or exists (select 1 from series m where m.target_id = t.id and strpos(lower(m.metric), lower(${word})) > 0))`;

/**
 * The targets of one page with their series and latest values. The page is read first, by a keyset
 * scan of targets_source_key_uq from the cursor (a row comparison the index serves), so a page costs
 * its own rows, not the whole list; then its series are joined. The targets are fetched up to limit + 1:
 * the extra one (first when going backward, last otherwise) only says there is more.
 * Exported bare for the benchmark.
 */
export function latestPageQuery(request: LatestPageRequest): SQL {
	const conditions: SQL[] = [];
	const { cursor, isBackward = false } = request;
	if (cursor) conditions.push(isBackward ? sql`(t.source, t.key) < (${cursor.source}, ${cursor.key})` : sql`(t.source, t.key) > (${cursor.source}, ${cursor.key})`);
	if (request.source !== undefined) conditions.push(sql`t.source = ${request.source}`);
	conditions.push(...request.words.map(matchesWord));
	if (request.only) {
		const refs = request.only.map((ref) => sql`(${ref.source}, ${ref.key})`);
		conditions.push(refs.length > 0 ? sql`(t.source, t.key) in (${sql.join(refs, sql`, `)})` : sql`false`);
	}
	const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
	const order = isBackward ? sql`order by t.source desc, t.key desc` : sql`order by t.source, t.key`;
	const limit = request.limit === null ? sql`` : sql`limit ${request.limit + 1}`;
	return sql`
		with page as (select t.* from targets t ${where} ${order} ${limit})
		select ${latestColumns}
		from page t
		left join series s on s.target_id = t.id
		left join series_latest l on l.series_id = s.id
		order by t.source, t.key, s.metric`;
}

export function listLatestPage(db: Db, request: LatestPageRequest): Promise<LatestRow[]> {
	return queryRows<LatestRow>(db, latestPageQuery(request));
}

/** How many targets there are, counted up to `atMost` only (the count stops there). */
export async function countTargetsUpTo(db: Db, atMost: number): Promise<number> {
	const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from (select 1 from targets limit ${atMost}) t`);
	return row!.n;
}
