import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** GET /api/collection: each collector's schedule, recent runs, last success and overdue warning. */
export const GET: RequestHandler = async ({ locals }) => {
	return json({ collectors: await locals.collection.readCollectorHealth(new Date()) });
};
