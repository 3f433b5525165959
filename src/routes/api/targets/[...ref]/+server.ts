import { json } from '@sveltejs/kit';
import { parseTargetRef } from '$lib/refs';
import { badParameter, jsonError } from '$lib/server/http/errors';
import type { RequestHandler } from './$types';

/** DELETE /api/targets/<source>:<key>: removes the target with its series and samples. */
export const DELETE: RequestHandler = async ({ params, locals }) => {
	const ref = parseTargetRef(params.ref);
	if (!ref.ok) return badParameter('ref', ref.message);
	if (ref.value.source === 'reference') return badParameter('ref', 'the reference figures cannot be removed');
	const isRemoved = await locals.collection.removeTarget(ref.value);
	if (!isRemoved) return jsonError(404, 'not_found', `no target ${params.ref}`);
	return json({ removed: params.ref });
};
