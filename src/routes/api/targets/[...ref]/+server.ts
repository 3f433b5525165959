import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { badParameter, jsonError } from '$lib/server/http/errors';
import { parseParams } from '$lib/server/http/parse';
import { targetRef } from '$lib/server/http/schemas';
import type { RequestHandler } from './$types';

const removeParams = z.object({ ref: targetRef });

/** DELETE /api/targets/<source>:<key>: removes the target with its series and samples. */
export const DELETE: RequestHandler = async ({ params, locals }) => {
	const parsed = parseParams(params, removeParams);
	if (!parsed.ok) return parsed.response;
	const { ref } = parsed.data;
	if (ref.source === 'reference') return badParameter('ref', 'the reference figures cannot be removed');
	const isRemoved = await locals.collection.removeTarget(ref);
	if (!isRemoved) return jsonError(404, 'not_found', `no target ${params.ref}`);
	return json({ removed: params.ref });
};
