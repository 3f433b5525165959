import { answerScorecard } from '$lib/server/scorecard/respond';
import { buildScorecardFileName, formatScorecardCsv } from '$lib/server/scorecard/text';
import type { RequestHandler } from './$types';

/** GET /api/scorecard.csv: the scorecard with the same parameters, as a CSV download. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const answer = await answerScorecard(locals.database.db, url.searchParams, new Date());
	if ('error' in answer) return answer.error;
	return new Response(formatScorecardCsv(answer.scorecard), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${buildScorecardFileName(answer.scorecard)}"`
		}
	});
};
