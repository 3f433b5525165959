import { z } from 'zod';
import { formatTargetRef, parseTargetRef, type TargetRef } from '../../refs.js';
import type { EventView } from '../../types/events.js';
import { toWebLink } from '../../web-links.js';
import type { Db } from '../db/client.js';
import { deleteManualEvent, insertManualEvent, listEventsForTargets, type EventRange } from '../db/queries/events.js';
import { getTargetId } from '../db/queries/targets.js';
import { isoInstant, targetRef } from '../http/schemas.js';

/** Events as the charts and GET /api/events show them, and the manual events added by hand. */

export async function listEventViews(db: Db, scope: { targets: readonly string[] } & EventRange): Promise<EventView[]> {
	const refs: TargetRef[] = [];
	for (const text of scope.targets) {
		const parsed = parseTargetRef(text);
		if (parsed.ok) refs.push(parsed.value);
	}
	const rows = await listEventsForTargets(db, refs, scope);
	return rows.map((r) => ({
		id: r.id,
		ts: new Date(Number(r.ts_ms)).toISOString(),
		kind: r.kind,
		label: r.label,
		// Rows written before links were checked at parse: a stored javascript: URL never reaches a page.
		url: toWebLink(r.url),
		target: r.source === null || r.key === null ? null : formatTargetRef({ source: r.source, key: r.key })
	}));
}

/** The body of POST /api/events. */
export const manualEventInput = z
	.object({
		date: isoInstant,
		label: z.string().trim().min(1, 'give the event a label').max(200, 'at most 200 characters'),
		target: targetRef.optional(),
		// Only web links: the URL is rendered as a link, and javascript: must never reach a page.
		url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2000).optional()
	})
	.strict();
export type ManualEventInput = z.output<typeof manualEventInput>;

export type AddEventResult = { ok: true; event: EventView; isNew: boolean } | { ok: false; message: string };

export async function addManualEvent(db: Db, input: ManualEventInput): Promise<AddEventResult> {
	let targetId: number | null = null;
	if (input.target) {
		targetId = (await getTargetId(db, input.target)) ?? null;
		if (targetId === null) return { ok: false, message: `no target ${formatTargetRef(input.target)}` };
	}
	const { id, isNew } = await insertManualEvent(db, { targetId, ts: input.date, label: input.label, url: input.url ?? null });
	const event: EventView = {
		id,
		ts: input.date.toISOString(),
		kind: 'manual',
		label: input.label,
		url: input.url ?? null,
		target: input.target ? formatTargetRef(input.target) : null
	};
	return { ok: true, event, isNew };
}

export function removeManualEvent(db: Db, id: number): Promise<boolean> {
	return deleteManualEvent(db, id);
}
