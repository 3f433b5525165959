import { json } from '@sveltejs/kit';
import { badParameter, jsonError } from '$lib/server/http/errors';
import { ParameterError, parseSeriesQuery } from '$lib/server/series/params';
import { readSeriesViews } from '$lib/server/series/read';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
	let query;
	try {
		query = parseSeriesQuery(url.searchParams);
	} catch (error) {
		if (error instanceof ParameterError) return badParameter(error.parameter, error.reason);
		throw error;
	}
	const result = await readSeriesViews(locals.database.db, query);
	if ('missing' in result) {
		return jsonError(404, 'not_found', `unknown series: ${result.missing.join(', ')} (GET /api/targets lists them)`, {
			missing: result.missing
		});
	}
	return json({
		from: query.from?.toISOString() ?? null,
		to: query.to?.toISOString() ?? null,
		interval: query.interval,
		transform: query.transform,
		smooth: query.smooth,
		series: result.series
	});
};
