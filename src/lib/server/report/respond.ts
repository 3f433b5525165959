import { badParameter, jsonError } from '../http/errors.js';
import { parseQuery } from '../http/parse.js';
import type { Db } from '../db/client.js';
import { buildGrowthReport, type GrowthReport } from './build.js';
import { reportQuery } from './params.js';

/** Parses a report request and builds the report, or the JSON error response that says what is wrong. */
export async function answerReport(db: Db, params: URLSearchParams, now: Date): Promise<{ report: GrowthReport } | { error: Response }> {
	const query = parseQuery(params, reportQuery);
	if (!query.ok) return { error: query.response };
	const result = await buildGrowthReport(db, query.data, now);
	if (!result.ok) {
		return { error: result.status === 400 ? badParameter(result.parameter, result.message) : jsonError(404, 'not_found', result.message, { parameter: result.parameter }) };
	}
	return { report: result.report };
}
