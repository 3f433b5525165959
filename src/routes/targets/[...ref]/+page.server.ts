import { error } from '@sveltejs/kit';
import { buildTargetPageView } from '$lib/server/series/explore';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const view = await buildTargetPageView(locals.database.db, params.ref, url.searchParams, Date.now());
	if (!view) error(404, `No target "${params.ref}" is tracked. Targets read <source>:<key>, e.g. github:moby/moby; add one on the Targets page.`);
	return { view };
};
