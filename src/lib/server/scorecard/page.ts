import type { Scorecard } from '../../types/scorecard.js';
import type { Db } from '../db/client.js';
import { ParameterError, readQuery } from '../http/parse.js';
import { buildScorecard } from './build.js';
import { checkScorecardPeriod, scorecardQuery } from './params.js';
import { formatScorecardText } from './text.js';

export interface ScorecardPage {
	/** The query the page shows, for the CSV and JSON links ('' for the published period). */
	query: string;
	scorecard: Scorecard | null;
	/** The scorecard as text, for "Copy as text". */
	text: string;
	problem: { parameter: string; message: string } | null;
}

/** The /scorecard page's data. A form's blank date means "not given"; a bad date is said on the page, never as an error page. */
export async function buildScorecardPage(db: Db, params: URLSearchParams, now: Date): Promise<ScorecardPage> {
	const given = new URLSearchParams([...params].filter(([key, value]) => (key === 'from' || key === 'to') && value.trim() !== '').map(([k, v]) => [k, v.trim()]));
	const query = given.toString();
	try {
		const parsed = readQuery(given, scorecardQuery);
		const problem = checkScorecardPeriod(parsed, now);
		if (problem) return { query, scorecard: null, text: '', problem: { parameter: 'from', message: problem } };
		const scorecard = await buildScorecard(db, parsed, now);
		return { query, scorecard, text: formatScorecardText(scorecard), problem: null };
	} catch (error) {
		if (!(error instanceof ParameterError)) throw error;
		return { query, scorecard: null, text: '', problem: { parameter: error.parameter, message: error.reason } };
	}
}
