import { removeManualEvent } from '$lib/server/events/events';
import { jsonError } from '$lib/server/http/errors';
import { parseParams } from '$lib/server/http/parse';
import { idParams } from '$lib/server/http/schemas';
import type { RequestHandler } from './$types';

const eventParams = idParams('an event');

/** DELETE /api/events/<id>: removes a manual event (releases come from the sources). */
export const DELETE: RequestHandler = async ({ params, locals }) => {
	const parsed = parseParams(params, eventParams);
	if (!parsed.ok) return parsed.response;
	const { id } = parsed.data;
	if (!(await removeManualEvent(locals.database.db, id))) return jsonError(404, 'not_found', `no manual event ${id}`);
	return new Response(null, { status: 204 });
};
