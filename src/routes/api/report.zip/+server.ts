import { answerReportBundle } from '$lib/server/report/bundle';
import type { RequestHandler } from './$types';

/** GET /api/report.zip?<the report's parameters>: the report with its data, chart and metadata, as a zip. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const context = { database: locals.database, limits: locals.config.limits, slots: locals.exportSlots };
	return answerReportBundle(context, url.searchParams, new Date());
};
