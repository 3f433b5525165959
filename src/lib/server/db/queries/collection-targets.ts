import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { TargetRef } from '../../../refs.js';
import type { Db } from '../client.js';
import { targets, type TargetStatus } from '../schema/index.js';

/** The targets as collection sees them: which to poll, whether they answered, the progress they keep. */

export interface CollectionTarget {
	id: number;
	key: string;
	displayName: string;
	/** Where collectors keep per-target state: ETags, backfill progress. */
	metadata: Record<string, unknown>;
}

const byRef = (ref: { source: string; key: string }) => and(eq(targets.source, ref.source), eq(targets.key, ref.key));

/** The active targets of a source, by key. */
export function listActiveTargets(db: Db, source: string): Promise<CollectionTarget[]> {
	return db
		.select({ id: targets.id, key: targets.key, displayName: targets.displayName, metadata: targets.metadata })
		.from(targets)
		.where(and(eq(targets.source, source), eq(targets.isActive, true)))
		.orderBy(targets.key);
}

/** Every target of the given sources, active or not, by source and key (the health page's backfill table). */
export function listTargetsOfSources(db: Db, sources: readonly string[]): Promise<(CollectionTarget & { source: string })[]> {
	return db
		.select({ id: targets.id, source: targets.source, key: targets.key, displayName: targets.displayName, metadata: targets.metadata })
		.from(targets)
		.where(inArray(targets.source, [...sources]))
		.orderBy(asc(targets.source), asc(targets.key));
}

/** Merges `patch` into a target's metadata (top-level keys replaced). */
export async function mergeTargetMetadata(db: Db, targetId: number, patch: Record<string, unknown>): Promise<void> {
	await db.execute(sql`update targets set metadata = metadata || ${JSON.stringify(patch)}::jsonb where id = ${targetId}`);
}

/** Marks a target failing or not found, with the reason, without touching its samples. */
export async function setTargetStatus(db: Db, ref: { source: string; key: string }, status: TargetStatus, message: string | null): Promise<void> {
	await db.update(targets).set({ status, statusMessage: message }).where(byRef(ref));
}

export async function getTargetActivity(db: Db, ref: TargetRef): Promise<{ id: number; isActive: boolean } | undefined> {
	const [row] = await db.select({ id: targets.id, isActive: targets.isActive }).from(targets).where(byRef(ref));
	return row;
}

/** Tracks a removed target again, or stops tracking one (its data stays). */
export async function setTargetActive(db: Db, targetId: number, isActive: boolean): Promise<void> {
	await db.update(targets).set({ isActive }).where(eq(targets.id, targetId));
}

/** Deletes a target; its series, samples and events go with it (foreign keys cascade). True when there was one. */
export async function deleteTarget(db: Db, ref: TargetRef): Promise<boolean> {
	const deleted = await db.delete(targets).where(byRef(ref)).returning({ id: targets.id });
	return deleted.length > 0;
}
