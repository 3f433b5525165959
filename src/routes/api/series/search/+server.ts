import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { parseQuery } from '$lib/server/http/parse';
import { pageLimit } from '$lib/server/http/schemas';
import { searchSeries } from '$lib/server/series/catalog';
import type { RequestHandler } from './$types';

const searchQuery = z.object({ q: z.string().max(200, 'at most 200 characters').default(''), limit: pageLimit(100, 20) });

/**
 * GET /api/series/search?q=<words>&limit=<1-100, default 20>: series whose target, display name or
 * metric have a word starting with each word of q (an empty q lists series from the first), closest
 * first; `truncated` says more match.
 */
export const GET: RequestHandler = async ({ url, locals }) => {
	const query = parseQuery(url, searchQuery);
	if (!query.ok) return query.response;
	const { q, limit } = query.data;
	return json({ q, limit, ...(await searchSeries(locals.database.db, q, limit)) });
};
