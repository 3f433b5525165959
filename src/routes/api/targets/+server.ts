import { json } from '@sveltejs/kit';
import { listTargetViews } from '$lib/server/targets-view';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
	return json({ targets: await listTargetViews(locals.database.db) });
};
