import { answerReport } from '$lib/server/report/respond';
import { buildReportFileName, formatReportCsv } from '$lib/server/report/csv';
import type { RequestHandler } from './$types';

/** GET /api/report.csv: the growth report with the same parameters, as a CSV download. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const answer = await answerReport(locals.database.db, url.searchParams, new Date());
	if ('error' in answer) return answer.error;
	return new Response(formatReportCsv(answer.report), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${buildReportFileName(answer.report)}"`
		}
	});
};
