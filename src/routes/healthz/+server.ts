import { json } from '@sveltejs/kit';
import { checkHealth } from '$lib/server/health/check';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
	const health = await checkHealth(locals.database);
	return json(health, { status: health.status === 'ok' ? 200 : 503 });
};
