import { listTargetViews } from '$lib/server/targets-view';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	targets: await listTargetViews(locals.database.db)
});
