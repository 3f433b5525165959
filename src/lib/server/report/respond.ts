import { badParameter, jsonError } from '../http/errors.js';
import type { Db } from '../db/client.js';
import { ParameterError } from '../series/params.js';
import { buildGrowthReport, type GrowthReport } from './build.js';
import { parseReportQuery } from './params.js';

/** Parses a report request and builds the report, or the JSON error response that says what is wrong. */
export async function answerReport(db: Db, params: URLSearchParams, now: Date): Promise<{ report: GrowthReport } | { error: Response }> {
	let query;
	try {
		query = parseReportQuery(params);
	} catch (error) {
		if (error instanceof ParameterError) return { error: badParameter(error.parameter, error.reason) };
		throw error;
	}
	const result = await buildGrowthReport(db, query, now);
	if (!result.ok) {
		return { error: result.status === 400 ? badParameter(result.parameter, result.message) : jsonError(404, 'not_found', result.message, { parameter: result.parameter }) };
	}
	return { report: result.report };
}
