import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { listAlertHistory } from '$lib/server/alerts/list';
import { parseQuery } from '$lib/server/http/parse';
import { pageLimit, positiveId } from '$lib/server/http/schemas';
import type { RequestHandler } from './$types';

const historyQuery = z.object({ rule: positiveId('a rule').optional(), limit: pageLimit(1000, 100) });

/** GET /api/alerts/events?rule=<id>&limit=100: state changes and notifications, newest first. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const query = parseQuery(url, historyQuery);
	if (!query.ok) return query.response;
	const options = { ruleId: query.data.rule, limit: query.data.limit };
	return json({ events: await listAlertHistory(locals.database.db, options, { hasWriteRights: locals.canWrite }) });
};
