import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { jsonError } from '$lib/server/http/errors';
import { noQuery, parseBody, parseQuery } from '$lib/server/http/parse';
import { targetInput } from '$lib/server/http/schemas';
import { listTargetViews } from '$lib/server/targets/list';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
	const query = parseQuery(url, noQuery);
	if (!query.ok) return query.response;
	return json({ targets: await listTargetViews(locals.database.db) });
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
