import { json } from '@sveltejs/kit';
import { backtestRule } from '$lib/server/alerts/backtest';
import { alertRuleInput } from '$lib/server/alerts/rule-input';
import { jsonError } from '$lib/server/http/errors';
import { parseBody } from '$lib/server/http/parse';
import type { RequestHandler } from './$types';

/** POST /api/alerts/backtest with a rule (as for POST /api/alerts): the days it would have fired in the last year. */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = await parseBody(request, alertRuleInput);
	if (!body.ok) return body.response;
	const result = await backtestRule(locals.database.db, body.data, Date.now());
	if (!result.ok) return jsonError(404, 'not_found', result.message);
	return json(result);
};
