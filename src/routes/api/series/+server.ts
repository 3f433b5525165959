import { version } from '$app/environment';
import { respondCached } from '$lib/server/cache/respond';
import { jsonError } from '$lib/server/http/errors';
import { parseQuery } from '$lib/server/http/parse';
import { seriesQuery } from '$lib/server/series/params';
import { describeMissing, readSeriesViews } from '$lib/server/series/read';
import type { RequestHandler } from './$types';

/**
 * GET /api/series?series=<ref>[&series=...]&from=&to=&interval=&transform=&points=&smooth=
 * The answer depends on the stored data and the query only: cached under the data version, with an
 * ETag. The build's version is in the key, so that a new release never answers 304 to an old body.
 */
export const GET: RequestHandler = async ({ url, request, locals }) => {
	const parsed = parseQuery(url, seriesQuery);
	if (!parsed.ok) return parsed.response;
	const query = parsed.data;
	const db = locals.database.db;
	const options = { endpoint: `series@${version}`, query: url.search, maxBytes: locals.config.limits.seriesCacheMaxBytes };
	return respondCached(request, db, options, async () => {
		const result = await readSeriesViews(db, query);
		if ('missing' in result) {
			return { response: jsonError(404, 'not_found', describeMissing(result), { missing: result.missing }) };
		}
		return {
			body: {
				from: query.from?.toISOString() ?? null,
				to: query.to?.toISOString() ?? null,
				interval: query.interval,
				transform: query.transform,
				smooth: query.smooth,
				series: result.series
			}
		};
	});
};
