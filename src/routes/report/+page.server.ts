import { buildReportPage } from '$lib/server/report/page';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => buildReportPage(locals.database.db, url.searchParams, new Date());
