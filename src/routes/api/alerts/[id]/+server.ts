import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { deleteRule, updateRule } from '$lib/server/alerts/rule-changes';
import { badParameter, jsonError, parseJsonBody } from '$lib/server/http/errors';
import { parseIsoInstant } from '$lib/server/time';
import type { RequestHandler } from './$types';

const ruleId = (text: string) => (/^\d{1,9}$/.test(text) ? Number(text) : undefined);

const change = z
	.object({
		snoozedUntil: z
			.string()
			.nullable()
			.optional()
			.refine((t) => t === null || t === undefined || parseIsoInstant(t) !== undefined, 'expected an ISO date or timestamp, or null')
			.transform((t) => (t === null || t === undefined ? t : parseIsoInstant(t)!)),
		isEnabled: z.boolean().optional()
	})
	.strict();

/** PATCH /api/alerts/<id> {"snoozedUntil": "2026-12-01" | null, "isEnabled": false} */
export const PATCH: RequestHandler = async ({ params, request, locals }) => {
	const id = ruleId(params.id);
	if (id === undefined) return badParameter('id', 'expected a rule id');
	const body = await parseJsonBody(request, change, 'snoozedUntil, isEnabled');
	if (!body.ok) return body.response;
	if (!(await updateRule(locals.database.db, id, body.data))) return jsonError(404, 'not_found', `no alert rule ${id}`);
	return json({ updated: id });
};

/** DELETE /api/alerts/<id>: the rule, its alerts and their history. */
export const DELETE: RequestHandler = async ({ params, locals }) => {
	const id = ruleId(params.id);
	if (id === undefined) return badParameter('id', 'expected a rule id');
	if (!(await deleteRule(locals.database.db, id))) return jsonError(404, 'not_found', `no alert rule ${id}`);
	return new Response(null, { status: 204 });
};
