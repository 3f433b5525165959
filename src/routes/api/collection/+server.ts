import { json } from '@sveltejs/kit';
import { getCollectionHealth } from '../../../../jobs/health/runs';
import type { RequestHandler } from './$types';

/** GET /api/collection: each collector's schedule, recent runs, last success and overdue warning. */
export const GET: RequestHandler = async ({ locals }) => {
	return json({ collectors: await getCollectionHealth(locals.database.db, locals.config, new Date()) });
};
