import { readFeaturedSeries } from '$lib/server/overview/featured';
import { buildExploreView } from '$lib/server/series/explore';
import type { PageServerLoad } from './$types';

/** The whole view comes from the URL; a bad parameter comes back as data the page explains, not a 500. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const featured = await readFeaturedSeries(locals.database.db, locals.config.featuredSeries);
	return { view: await buildExploreView(locals.database.db, featured, url.searchParams, Date.now()) };
};
