import { sql, type SQL } from 'drizzle-orm';
import type { SeriesRef, TargetRef } from '../../../refs.js';
import { queryRows, type Db } from '../client.js';
import { series, targets } from '../schema/index.js';
import type { SeriesKind } from '../../metrics/catalog.js';

export interface TargetInput extends TargetRef {
	displayName: string;
}

export interface SeriesInput {
	metric: string;
	unit: string;
	kind: SeriesKind;
	note?: string | null;
}

export interface SeriesRecord {
	id: number;
	targetId: number;
	source: string;
	key: string;
	displayName: string;
	metric: string;
	unit: string;
	kind: SeriesKind;
	note: string | null;
	/** Observed samples before this time (epoch ms) are compacted to one per UTC day; null: none are. */
	compactedUntilMs: number | null;
}

/** Creates the target if missing; an existing target keeps its name. Returns its id. */
export async function upsertTarget(db: Db, input: TargetInput): Promise<number> {
	const [row] = await db
		.insert(targets)
		.values({ source: input.source, key: input.key, displayName: input.displayName })
		.onConflictDoUpdate({
			target: [targets.source, targets.key],
			// A no-op update so that RETURNING gives the existing row's id.
			set: { source: sql`excluded.source` }
		})
		.returning({ id: targets.id });
	if (!row) throw new Error(`upsertTarget returned no row for ${input.source}:${input.key}`);
	return row.id;
}

/**
 * Creates the series if missing and returns its id. An existing series keeps its unit and kind; a note
 * given here replaces the stored one (the method text travels with the data that was just written).
 */
export async function upsertSeries(db: Db, targetId: number, input: SeriesInput): Promise<number> {
	const [row] = await db
		.insert(series)
		.values({ targetId, metric: input.metric, unit: input.unit, kind: input.kind, note: input.note ?? null })
		.onConflictDoUpdate({
			target: [series.targetId, series.metric],
			set: { note: input.note === undefined ? sql`${series.note}` : sql`excluded.note` }
		})
		.returning({ id: series.id });
	if (!row) throw new Error(`upsertSeries returned no row for metric ${input.metric}`);
	return row.id;
}

interface SeriesRow {
	id: number;
	target_id: number;
	source: string;
	key: string;
	display_name: string;
	metric: string;
	unit: string;
	kind: SeriesKind;
	note: string | null;
	compacted_until_ms: number | null;
}

// Epoch ms rather than the timestamp itself: pg and PGlite parse timestamps in raw SQL differently.
const seriesColumns = sql`s.id, t.id as target_id, t.source, t.key, t.display_name, s.metric, s.unit, s.kind, s.note,
	(extract(epoch from s.compacted_until) * 1000)::float8 as compacted_until_ms`;

/**
 * The statement that finds several series by reference in one round trip (exported so that the
 * benchmark can time it bare); both unique indexes serve the join.
 */
export function buildSeriesLookupQuery(refs: readonly SeriesRef[]): SQL {
	return sql`select ${seriesColumns}
		from unnest(
			${sql.param(refs.map((r) => r.source))}::text[],
			${sql.param(refs.map((r) => r.key))}::text[],
			${sql.param(refs.map((r) => r.metric))}::text[]
		) as wanted(source, key, metric)
		join targets t on t.source = wanted.source and t.key = wanted.key
		join series s on s.target_id = t.id and s.metric = wanted.metric`;
}

/** The series for each reference, in the same order; undefined where there is none. */
export async function listSeriesByRefs(db: Db, refs: readonly SeriesRef[]): Promise<(SeriesRecord | undefined)[]> {
	const rows = await queryRows<SeriesRow>(db, buildSeriesLookupQuery(refs));
	const byRef = new Map(rows.map((r) => [`${r.source}:${r.key}:${r.metric}`, r]));
	return refs.map((ref) => {
		const row = byRef.get(`${ref.source}:${ref.key}:${ref.metric}`);
		return row === undefined ? undefined : toSeriesRecord(row);
	});
}

function toSeriesRecord(row: SeriesRow): SeriesRecord {
	const { target_id: targetId, display_name: displayName, compacted_until_ms: compactedUntilMs, ...rest } = row;
	return { ...rest, targetId, displayName, compactedUntilMs: compactedUntilMs === null ? null : Number(compactedUntilMs) };
}

/** A set of series named with wildcards: `*` in the key matches any text; a '*' source or metric any. */
export interface SeriesPattern {
	source: string;
	keyGlob: string;
	metric: string;
}

/** The series a pattern matches, by source, key and metric, at most `limit` of them. */
export async function listSeriesMatching(db: Db, pattern: SeriesPattern, limit: number): Promise<SeriesRecord[]> {
	// LIKE's own wildcards and escape character are escaped, so only `*` matches more than itself.
	const keyLike = pattern.keyGlob.replace(/[\\%_]/g, (c) => `\\${c}`).replaceAll('*', '%');
	const rows = await queryRows<SeriesRow>(
		db,
		sql`select ${seriesColumns}
			from targets t join series s on s.target_id = t.id
			where (${pattern.source} = '*' or t.source = ${pattern.source})
				and t.key like ${keyLike} escape '\\'
				and (${pattern.metric} = '*' or s.metric = ${pattern.metric})
			order by t.source, t.key, s.metric
			limit ${limit}`
	);
	return rows.map(toSeriesRecord);
}

/** A tracked target's id; undefined when it is not tracked. */
export async function getTargetId(db: Db, ref: TargetRef): Promise<number | undefined> {
	const [row] = await queryRows<{ id: number }>(db, sql`select id from targets where source = ${ref.source} and key = ${ref.key}`);
	return row?.id;
}
