import { and, asc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
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
