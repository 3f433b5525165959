import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { deleteRule, updateRule } from '$lib/server/alerts/rule-changes';
import { jsonError } from '$lib/server/http/errors';
import { parseBody, parseParams } from '$lib/server/http/parse';
import { idParams, isoInstant } from '$lib/server/http/schemas';
import type { RequestHandler } from './$types';

const ruleParams = idParams('a rule');
const change = z.object({ snoozedUntil: isoInstant.nullable().optional(), isEnabled: z.boolean().optional() }).strict();

/** PATCH /api/alerts/<id> {"snoozedUntil": "2026-12-01" | null, "isEnabled": false} */
export const PATCH: RequestHandler = async ({ params, request, locals }) => {
	const rule = parseParams(params, ruleParams);
	if (!rule.ok) return rule.response;
	const body = await parseBody(request, change);
	if (!body.ok) return body.response;
	const { id } = rule.data;
	if (!(await updateRule(locals.database.db, id, body.data))) return jsonError(404, 'not_found', `no alert rule ${id}`);
	return json({ updated: id });
};

/** DELETE /api/alerts/<id>: the rule, its alerts and their history. */
export const DELETE: RequestHandler = async ({ params, locals }) => {
	const rule = parseParams(params, ruleParams);
	if (!rule.ok) return rule.response;
	const { id } = rule.data;
	if (!(await deleteRule(locals.database.db, id))) return jsonError(404, 'not_found', `no alert rule ${id}`);
	return new Response(null, { status: 204 });
};
