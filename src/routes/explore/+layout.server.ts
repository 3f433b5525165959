import { listSeriesCatalog } from '$lib/server/series/catalog';
import type { LayoutServerLoad } from './$types';

/**
 * The search list, apart from the page's load: this load does not read the URL, so SvelteKit does not
 * run it again when a control changes the query string (only after invalidateAll, e.g. a new event).
 */
export const load: LayoutServerLoad = async ({ locals }) => ({
	catalog: await listSeriesCatalog(locals.database.db)
});
