import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { jsonError } from '$lib/server/http/errors';
import { sources } from '$lib/refs';
import { parseBody, parseQuery } from '$lib/server/http/parse';
import { targetInput, targetRef, wholeNumber } from '$lib/server/http/schemas';
import { listTargetPage, listTargetViews } from '$lib/server/targets/list';
import type { RequestHandler } from './$types';

// Without any parameter the whole list, as before paging existed; `limit` is how a large installation
// reads it: a page then costs its own rows, not every target's.
const listQuery = z.object({
	limit: wholeNumber(1, 1000).optional(),
	after: targetRef.optional(),
	q: z.string().max(200, 'expected at most 200 characters').optional(),
	source: z.enum(sources, { error: `expected one of ${sources.join(', ')}` }).optional()
});

/** GET /api/targets[?limit=&after=&q=&source=]: { targets, next } where next is the following page's `after`. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const query = parseQuery(url, listQuery);
	if (!query.ok) return query.response;
	if (Object.values(query.data).every((value) => value === undefined)) {
		return json({ targets: await listTargetViews(locals.database.db), next: null });
	}
	const page = await listTargetPage(locals.database.db, { ...query.data, limit: query.data.limit ?? null });
	return json({ targets: page.targets, next: page.next });
};

// Not strict: any other field is ignored, so that a body without `ref` is refused for missing `ref`.
const addBody = z.object({ ref: targetInput });
const statusOf = { added: 201, exists: 200, notFound: 404, unavailable: 502, unsupported: 400 } as const;

/** POST /api/targets {"ref": "github:owner/name" or a Docker Hub / GitHub URL} */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = await parseBody(request, addBody);
	if (!body.ok) return body.response;
	const result = await locals.collection.addTarget(body.data.ref);
	if ('message' in result) return jsonError(statusOf[result.outcome], result.outcome, result.message, { target: result.target });
	return json(result, { status: statusOf[result.outcome] });
};
