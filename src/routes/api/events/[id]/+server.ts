import { removeManualEvent } from '$lib/server/events/events';
import { badParameter, jsonError } from '$lib/server/http/errors';
import type { RequestHandler } from './$types';

/** DELETE /api/events/<id>: removes a manual event (releases come from the sources). */
export const DELETE: RequestHandler = async ({ params, locals }) => {
	const id = Number(params.id);
	if (!Number.isSafeInteger(id) || id < 1) return badParameter('id', 'expected an event id (a positive whole number)');
	if (!(await removeManualEvent(locals.database.db, id))) return jsonError(404, 'not_found', `no manual event ${id}`);
	return new Response(null, { status: 204 });
};
