import { json } from '@sveltejs/kit';
import { checkHealth } from '$lib/server/health/check';
import type { RequestHandler } from './$types';

/**
 * GET /healthz, public for load balancers and probes. Strangers learn only ok or failing; the database's
 * kind, latency, migrations and error text are for callers with write rights (and the logs).
 */
export const GET: RequestHandler = async ({ locals }) => {
	const health = await checkHealth(locals.database);
	return json(locals.canWrite ? health : { status: health.status }, { status: health.status === 'ok' ? 200 : 503 });
};
