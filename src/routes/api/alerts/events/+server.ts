import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { listAlertHistory } from '$lib/server/alerts/list';
import { ParameterError, parseQueryParams } from '$lib/server/series/params';
import { badParameter } from '$lib/server/http/errors';
import type { RequestHandler } from './$types';

const shape = {
	rule: z.coerce.number({ error: 'expected a rule id' }).int().positive().optional(),
	limit: z.coerce.number({ error: 'expected a number' }).int().min(1).max(1000, 'expected at most 1000').default(100)
};
const schema = z.object(shape).strict();

/** GET /api/alerts/events?rule=<id>&limit=100: state changes and notifications, newest first. */
export const GET: RequestHandler = async ({ url, locals }) => {
	try {
		const q = parseQueryParams(url.searchParams, schema, Object.keys(shape), new Set());
		return json({ events: await listAlertHistory(locals.database.db, { ruleId: q.rule, limit: q.limit }) });
	} catch (error) {
		if (error instanceof ParameterError) return badParameter(error.parameter, error.reason);
		throw error;
	}
};
