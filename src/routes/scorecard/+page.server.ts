import { buildScorecardPage } from '$lib/server/scorecard/page';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => buildScorecardPage(locals.database.db, url.searchParams, new Date());
