import { json } from '@sveltejs/kit';
import { answerScorecard } from '$lib/server/scorecard/respond';
import type { RequestHandler } from './$types';

/** GET /api/scorecard[?from=YYYY-MM-DD[&to=YYYY-MM-DD]]: the ecosystem scorecard; the published period by default. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const answer = await answerScorecard(locals.database.db, url.searchParams, new Date());
	return 'error' in answer ? answer.error : json(answer.scorecard);
};
