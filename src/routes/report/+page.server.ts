import { buildReportPage } from '$lib/server/report/page';
import { listReportScheduleViews } from '$lib/server/report-schedules/list';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const db = locals.database.db;
	const [page, schedules] = await Promise.all([buildReportPage(db, url.searchParams, new Date()), listReportScheduleViews(db, { hasWriteRights: locals.canWrite })]);
	return { ...page, schedules, canWrite: locals.canWrite };
};
