import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { TargetRef } from '../../../refs.js';
import { arrayColumn, queryRows, type Db } from '../client.js';
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

/** The active targets of a source among these ids (a batch of a shared tick), by key. */
export function listActiveTargetsByIds(db: Db, source: string, ids: readonly number[]): Promise<CollectionTarget[]> {
	if (ids.length === 0) return Promise.resolve([]);
	return db
		.select({ id: targets.id, key: targets.key, displayName: targets.displayName, metadata: targets.metadata })
		.from(targets)
		.where(and(eq(targets.source, source), eq(targets.isActive, true), inArray(targets.id, [...ids])))
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

/** Removes one top-level key from a target's metadata. */
export async function removeTargetMetadataKey(db: Db, targetId: number, key: string): Promise<void> {
	await db.execute(sql`update targets set metadata = metadata - ${key}::text where id = ${targetId}`);
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

/**
 * A collection's write takes this first, inside its transaction: the target's id, its row locked
 * against removal until the write commits; undefined when it was removed meanwhile, and the write
 * must write nothing. A removal waits for the write and then deletes what it wrote, or goes first.
 */
export async function lockTargetForWrite(tx: Db, targetId: number): Promise<number | undefined> {
	const [row] = await queryRows<{ id: number }>(tx, sql`select id from targets where id = ${targetId} for share`);
	return row?.id;
}

/**
 * The keys found in a target's listing (a Docker Hub namespace's images) that the analyst removed,
 * kept in its metadata so that the listing does not add them again: `removedListed`. The parent's row
 * is locked, so a collection writing the listing waits for the removal or goes before it.
 */
export async function excludeFromListing(tx: Db, parent: TargetRef, key: string): Promise<void> {
	await tx.execute(sql`update targets set metadata = jsonb_set(metadata, '{removedListed}',
			(coalesce(metadata->'removedListed', '[]'::jsonb) - ${key}::text) || jsonb_build_array(${key}::text))
		where source = ${parent.source} and key = ${parent.key}`);
}

/** Lets a listing add `key` again (the analyst added it back). */
export async function includeInListing(db: Db, parent: TargetRef, key: string): Promise<void> {
	await db.execute(sql`update targets set metadata = jsonb_set(metadata, '{removedListed}', (metadata->'removedListed') - ${key}::text)
		where source = ${parent.source} and key = ${parent.key} and (metadata->'removedListed') ? ${key}::text`);
}

/**
 * lockTargetForWrite for several targets by reference, in one statement: rows locked in id order (two
 * writers of overlapping sets take them in the same order), answered by key; a removed target is
 * missing from the answer, and its write must write nothing.
 */
export async function lockTargetsForWrite(tx: Db, refs: readonly TargetRef[]): Promise<Map<string, number>> {
	if (refs.length === 0) return new Map();
	const rows = await queryRows<{ id: number; source: string; key: string }>(
		tx,
		sql`select t.id, t.source, t.key
			from targets t join unnest(${arrayColumn(refs, (r) => r.source, 'text')}, ${arrayColumn(refs, (r) => r.key, 'text')}) as w(source, key)
				on t.source = w.source and t.key = w.key
			order by t.id
			for share of t`
	);
	return new Map(rows.map((r) => [refKey(r), r.id]));
}

/** The key lockTargetsForWrite answers by. */
export const refKey = (ref: { source: string; key: string }) => `${ref.source}:${ref.key}`;

/**
 * Targets found in `parent`'s listing, inside the write's transaction, before lockTargetsForWrite:
 * creates those missing and answers the keys that may be written, none when the parent was removed,
 * and never one the analyst removed from the listing. The parent's row is locked first (as a removal
 * does), then, by lockTargetsForWrite, the targets', so the two never deadlock.
 */
export async function addListedTargets(tx: Db, parent: TargetRef, listed: readonly (TargetRef & { displayName: string })[]): Promise<Set<string>> {
	const [listing] = await queryRows<{ removed_listed: string[] | null }>(
		tx,
		sql`select array(select jsonb_array_elements_text(coalesce(metadata->'removedListed', '[]'::jsonb))) as removed_listed
			from targets where source = ${parent.source} and key = ${parent.key} for share`
	);
	if (!listing) return new Set();
	const removed = new Set(listing.removed_listed ?? []);
	const kept = listed.filter((t) => !removed.has(t.key));
	if (kept.length > 0) {
		await tx.execute(sql`insert into targets (source, key, display_name)
			select w.source, w.key, w.display_name
			from unnest(${arrayColumn(kept, (t) => t.source, 'text')}, ${arrayColumn(kept, (t) => t.key, 'text')},
				${arrayColumn(kept, (t) => t.displayName, 'text')}) as w(source, key, display_name)
			where not exists (select 1 from targets t where t.source = w.source and t.key = w.key)
			order by w.key
			on conflict (source, key) do nothing`);
	}
	return new Set(kept.map(refKey));
}

/** Every target with whether it is tracked and its listing's removed keys (what a configuration file plans against). */
export async function listTargetStates(db: Db): Promise<{ id: number; source: string; key: string; isActive: boolean; removedListed: string[] }[]> {
	const rows = await queryRows<{ id: number; source: string; key: string; is_active: boolean; removed_listed: string[] | null }>(
		db,
		sql`select id, source, key, is_active, metadata->'removedListed' as removed_listed from targets order by source, key`
	);
	return rows.map((r) => ({ id: r.id, source: r.source, key: r.key, isActive: r.is_active, removedListed: r.removed_listed ?? [] }));
}
