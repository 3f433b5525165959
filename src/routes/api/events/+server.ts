import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { addManualEvent, listEventViews, manualEventInput } from '$lib/server/events/events';
import { badParameter, jsonError, parseJsonBody } from '$lib/server/http/errors';
import { parseIsoInstant } from '$lib/server/time';
import type { RequestHandler } from './$types';

const instant = z
	.string()
	.optional()
	.refine((t) => t === undefined || parseIsoInstant(t) !== undefined, 'expected an ISO date (2015-06-22) or timestamp')
	.transform((t) => (t === undefined ? undefined : parseIsoInstant(t)));
const listQuery = z.object({ target: z.array(z.string().max(500)).max(100, 'at most 100 targets'), from: instant, to: instant }).strict();

/** GET /api/events?target=<ref>&target=...&from=&to=: those targets' events and every global one. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const params = url.searchParams;
	const query = listQuery.safeParse({
		...Object.fromEntries(params),
		target: params.getAll('target')
	});
	if (!query.success) {
		const issue = query.error.issues[0]!;
		const name = issue.code === 'unrecognized_keys' ? issue.keys[0]! : String(issue.path[0] ?? 'query');
		return badParameter(name, issue.code === 'unrecognized_keys' ? 'unknown parameter (expected target, from, to)' : issue.message);
	}
	const { target, from, to } = query.data;
	return json({ events: await listEventViews(locals.database.db, { targets: target, from, to }) });
};

/** POST /api/events {"date": "2015-06-22", "label": "DockerCon 2015", "target"?: "<ref>", "url"?: "https://..."} */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = await parseJsonBody(request, manualEventInput, 'date, label, target, url');
	if (!body.ok) return body.response;
	const result = await addManualEvent(locals.database.db, body.data);
	if (!result.ok) return jsonError(404, 'not_found', result.message);
	return json({ event: result.event }, { status: result.isNew ? 201 : 200 });
};
