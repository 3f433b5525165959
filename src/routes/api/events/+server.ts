import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { addManualEvent, listEventViews, manualEventInput } from '$lib/server/events/events';
import { jsonError } from '$lib/server/http/errors';
import { parseBody, parseQuery } from '$lib/server/http/parse';
import { isoInstant } from '$lib/server/http/schemas';
import type { RequestHandler } from './$types';

// `to` is the first instant not wanted, as the charts pass it (unlike /api/series, not a last day).
const listQuery = z.object({
	target: z.array(z.string().max(500)).max(100, 'at most 100 targets'),
	from: isoInstant.optional(),
	to: isoInstant.optional()
});

/** GET /api/events?target=<ref>&target=...&from=&to=: those targets' events and every global one. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const query = parseQuery(url, listQuery);
	if (!query.ok) return query.response;
	const { target, from, to } = query.data;
	return json({ events: await listEventViews(locals.database.db, { targets: target, from, to }) });
};

/** POST /api/events {"date": "2015-06-22", "label": "DockerCon 2015", "target"?: "<ref>", "url"?: "https://..."} */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = await parseBody(request, manualEventInput);
	if (!body.ok) return body.response;
	const result = await addManualEvent(locals.database.db, body.data);
	if (!result.ok) return jsonError(404, 'not_found', result.message);
	return json({ event: result.event }, { status: result.isNew ? 201 : 200 });
};
