import { and, asc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { TargetRef } from '../../../refs.js';
import { queryRows, type Db } from '../client.js';
import { events, type EventKind } from '../schema/index.js';

export interface EventInput {
	ts: Date;
	kind: EventKind;
	label: string;
	url?: string | null;
}

export interface EventRecord {
	id: number;
	ts: Date;
	kind: EventKind;
	label: string;
	url: string | null;
}

/** A half-open time range: from inclusive, to exclusive; either end may be open. */
export interface EventRange {
	from?: Date;
	to?: Date;
}

/**
 * Stores events of one target; one already stored (same kind, time and label) is left as it is, so a
 * rerun inserts nothing. Returns how many were new.
 */
export async function upsertEvents(db: Db, targetId: number, rows: readonly EventInput[]): Promise<number> {
	if (rows.length === 0) return 0;
	const inserted = await db
		.insert(events)
		.values(rows.map((r) => ({ targetId, ts: r.ts, kind: r.kind, label: r.label, url: r.url ?? null })))
		.onConflictDoNothing({ target: [events.targetId, events.kind, events.ts, events.label] })
		.returning({ id: events.id });
	return inserted.length;
}

/** A target's events, oldest first, within the range when one is given. */
export async function listEvents(db: Db, targetId: number, range: EventRange = {}): Promise<EventRecord[]> {
	const conditions: SQL[] = [eq(events.targetId, targetId)];
	if (range.from) conditions.push(gte(events.ts, range.from));
	if (range.to) conditions.push(lt(events.ts, range.to));
	return db
		.select({ id: events.id, ts: events.ts, kind: events.kind, label: events.label, url: events.url })
		.from(events)
		.where(and(...conditions))
		.orderBy(asc(events.ts), asc(events.id));
}

export interface ScopedEventRow {
	id: number;
	ts_ms: number;
	kind: EventKind;
	label: string;
	url: string | null;
	/** The target's source and key; null for a manual event about no one target. */
	source: string | null;
	key: string | null;
}

/**
 * The events of the given targets plus every event that belongs to no target, oldest first: what a
 * chart of those targets' series draws. One statement, whatever the number of targets.
 */
export function listEventsForTargets(db: Db, refs: readonly TargetRef[], range: EventRange = {}): Promise<ScopedEventRow[]> {
	return queryRows<ScopedEventRow>(
		db,
		sql`select e.id, (extract(epoch from e.ts) * 1000)::float8 as ts_ms, e.kind, e.label, e.url, t.source, t.key
			from events e
			left join targets t on t.id = e.target_id
			where (e.target_id is null or (t.source, t.key) in (
					select * from unnest(${sql.param(refs.map((r) => r.source))}::text[], ${sql.param(refs.map((r) => r.key))}::text[])
				))
				and e.ts >= ${range.from?.toISOString() ?? '-infinity'}::timestamptz
				and e.ts < ${range.to?.toISOString() ?? 'infinity'}::timestamptz
			order by e.ts, e.id`
	);
}

export interface ManualEventInput {
	targetId: number | null;
	ts: Date;
	label: string;
	url: string | null;
}

/** Adds a manual event; adding the same one again (target, time and label) returns the stored one. */
export async function insertManualEvent(db: Db, input: ManualEventInput): Promise<{ id: number; isNew: boolean }> {
	const [row] = await queryRows<{ id: number; is_new: boolean }>(
		db,
		sql`with inserted as (
				insert into events (target_id, ts, kind, label, url)
				values (${input.targetId}, ${input.ts.toISOString()}::timestamptz, 'manual', ${input.label}, ${input.url})
				on conflict (target_id, kind, ts, label) do nothing
				returning id
			)
			select id, true as is_new from inserted
			union all
			select id, false from events
			where target_id is not distinct from ${input.targetId} and kind = 'manual'
				and ts = ${input.ts.toISOString()}::timestamptz and label = ${input.label}
			limit 1`
	);
	return { id: row!.id, isNew: row!.is_new };
}

/** Deletes a manual event; releases come from the sources and are not deleted by hand. */
export async function deleteManualEvent(db: Db, id: number): Promise<boolean> {
	const deleted = await db
		.delete(events)
		.where(and(eq(events.id, id), eq(events.kind, 'manual')))
		.returning({ id: events.id });
	return deleted.length > 0;
}

/** One event by id; undefined when there is none. */
export async function getEvent(db: Db, id: number): Promise<{ id: number; ts: Date; label: string } | undefined> {
	const [row] = await db.select({ id: events.id, ts: events.ts, label: events.label }).from(events).where(eq(events.id, id));
	return row;
}

export interface ManualEventRow {
	id: number;
	ts_ms: number;
	label: string;
	url: string | null;
	/** The target's source and key; null for an event about no one target. */
	source: string | null;
	key: string | null;
}

/** Every manual event, oldest first, with its target's reference (what a configuration file declares). */
export function listManualEvents(db: Db): Promise<ManualEventRow[]> {
	return queryRows<ManualEventRow>(
		db,
		sql`select e.id, (extract(epoch from e.ts) * 1000)::float8 as ts_ms, e.label, e.url, t.source, t.key
			from events e left join targets t on t.id = e.target_id
			where e.kind = 'manual' order by e.ts, e.id`
	);
}

/** Replaces a manual event's link. */
export async function updateManualEventUrl(db: Db, id: number, url: string | null): Promise<void> {
	await db.update(events).set({ url }).where(and(eq(events.id, id), eq(events.kind, 'manual')));
}
