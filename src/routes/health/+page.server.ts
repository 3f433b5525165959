import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const now = new Date();
	return { health: await locals.collection.readHealth(now), nowMs: now.getTime() };
};
