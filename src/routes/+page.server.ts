import { parseOverviewParams } from '$lib/overview-params';
import { buildOverview } from '$lib/server/overview/overview';
import type { PageServerLoad } from './$types';

/** A bad parameter is reported on the page, which then shows the default window: never an error page. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const params = parseOverviewParams(url.searchParams);
	const options = { window: params.window, now: new Date(), collection: locals.collection };
	const overview = await buildOverview(locals.database.db, locals.config, options);
	return { ...overview, problems: params.problems };
};
