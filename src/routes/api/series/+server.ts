import { json } from '@sveltejs/kit';
import { jsonError } from '$lib/server/http/errors';
import { parseQuery } from '$lib/server/http/parse';
import { seriesQuery } from '$lib/server/series/params';
import { describeMissing, readSeriesViews } from '$lib/server/series/read';
import type { RequestHandler } from './$types';

/** GET /api/series?series=<ref>[&series=...]&from=&to=&interval=&transform=&points=&smooth= */
export const GET: RequestHandler = async ({ url, locals }) => {
	const parsed = parseQuery(url, seriesQuery);
	if (!parsed.ok) return parsed.response;
	const query = parsed.data;
	const result = await readSeriesViews(locals.database.db, query);
	if ('missing' in result) {
		return jsonError(404, 'not_found', describeMissing(result), { missing: result.missing });
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
