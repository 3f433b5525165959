import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { parseTargetInput } from '$lib/target-input';
import { badParameter, jsonError } from '$lib/server/http/errors';
import { listTargetViews } from '$lib/server/targets/list';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
	return json({ targets: await listTargetViews(locals.database.db) });
};

const addBody = z.object({ ref: z.string().min(1).max(500) });
const statusOf = { added: 201, exists: 200, notFound: 404, unavailable: 502, unsupported: 400 } as const;

/** POST /api/targets {"ref": "github:owner/name" or a Docker Hub / GitHub URL} */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = addBody.safeParse(await request.json().catch(() => undefined));
	if (!body.success) return badParameter('ref', 'send JSON {"ref": "<source>:<key>"} or a Docker Hub or GitHub URL');
	const ref = parseTargetInput(body.data.ref);
	if (!ref.ok) return badParameter('ref', ref.message);
	const result = await locals.collection.addTarget(ref.value);
	if ('message' in result) return jsonError(statusOf[result.outcome], result.outcome, result.message, { target: result.target });
	return json(result, { status: statusOf[result.outcome] });
};
