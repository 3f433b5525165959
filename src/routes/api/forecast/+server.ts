import { json } from '@sveltejs/kit';
import { jsonError } from '$lib/server/http/errors';
import { parseQuery } from '$lib/server/http/parse';
import { forecastQuery } from '$lib/server/forecast/params';
import { answerForecast } from '$lib/server/forecast/respond';
import type { RequestHandler } from './$types';

/** GET /api/forecast?series=<ref>&horizon=<days>[&milestone=<value>] */
export const GET: RequestHandler = async ({ url, locals }) => {
	const parsed = parseQuery(url, forecastQuery);
	if (!parsed.ok) return parsed.response;
	const outcome = await answerForecast(locals.database.db, parsed.data);
	if ('missing' in outcome) return jsonError(404, 'not_found', `unknown series: ${outcome.missing} (GET /api/targets lists them)`, { missing: [outcome.missing] });
	if ('unforecastable' in outcome) return jsonError(422, 'not_forecastable', outcome.unforecastable);
	return json(outcome.answer);
};
