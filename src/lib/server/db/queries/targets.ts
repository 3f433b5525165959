import { and, eq, sql } from 'drizzle-orm';
import type { SeriesRef, TargetRef } from '../../../refs.js';
import type { Db } from '../client.js';
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

export async function getSeries(db: Db, ref: SeriesRef): Promise<SeriesRecord | undefined> {
	const [row] = await db
		.select({
			id: series.id,
			targetId: targets.id,
			source: targets.source,
			key: targets.key,
			displayName: targets.displayName,
			metric: series.metric,
			unit: series.unit,
			kind: series.kind,
			note: series.note
		})
		.from(series)
		.innerJoin(targets, eq(series.targetId, targets.id))
		.where(and(eq(targets.source, ref.source), eq(targets.key, ref.key), eq(series.metric, ref.metric)))
		.limit(1);
	return row;
}
