import { getHealthView } from '../../../jobs/health/summary';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const now = new Date();
	return { health: await getHealthView(locals.database.db, locals.config, now), nowMs: now.getTime() };
};
