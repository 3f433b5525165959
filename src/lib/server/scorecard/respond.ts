import type { Scorecard } from '../../types/scorecard.js';
import type { Db } from '../db/client.js';
import { parseQuery } from '../http/parse.js';
import { buildScorecard } from './build.js';
import { badParameter } from '../http/errors.js';
import { checkScorecardPeriod, scorecardQuery } from './params.js';

/** Parses a scorecard request and builds it, or the JSON error response that names the bad parameter. */
export async function answerScorecard(db: Db, params: URLSearchParams, now: Date): Promise<{ scorecard: Scorecard } | { error: Response }> {
	const query = parseQuery(params, scorecardQuery);
	if (!query.ok) return { error: query.response };
	const problem = checkScorecardPeriod(query.data, now);
	if (problem) return { error: badParameter('from', problem) };
	return { scorecard: await buildScorecard(db, query.data, now) };
}
