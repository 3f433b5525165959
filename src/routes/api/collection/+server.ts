import { json } from '@sveltejs/kit';
import { noQuery, parseQuery } from '$lib/server/http/parse';
import type { RequestHandler } from './$types';

/** GET /api/collection: each collector's schedule, recent runs, last success and overdue warning. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const query = parseQuery(url, noQuery);
	if (!query.ok) return query.response;
	return json({ collectors: await locals.collection.readCollectorHealth(new Date()) });
};
