import { json } from '@sveltejs/kit';
import { answerReport } from '$lib/server/report/respond';
import type { RequestHandler } from './$types';

/** GET /api/report?series=<ref or pattern>&(preset=1y | from=&to= | fromEvent=&toEvent=)[&minBase=100] */
export const GET: RequestHandler = async ({ url, locals }) => {
	const answer = await answerReport(locals.database.db, url.searchParams, new Date());
	return 'error' in answer ? answer.error : json(answer.report);
};
