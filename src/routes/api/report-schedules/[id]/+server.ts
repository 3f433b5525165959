import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { deleteReportSchedule, updateReportSchedule } from '$lib/server/db/queries/report-schedules';
import { jsonError } from '$lib/server/http/errors';
import { parseBody, parseParams } from '$lib/server/http/parse';
import { idParams } from '$lib/server/http/schemas';
import type { RequestHandler } from './$types';

const scheduleParams = idParams('a scheduled report');
const change = z.object({ isEnabled: z.boolean() }).strict();

/** PATCH /api/report-schedules/<id> {"isEnabled": false} */
export const PATCH: RequestHandler = async ({ params, request, locals }) => {
	const schedule = parseParams(params, scheduleParams);
	if (!schedule.ok) return schedule.response;
	const body = await parseBody(request, change);
	if (!body.ok) return body.response;
	const { id } = schedule.data;
	if (!(await updateReportSchedule(locals.database.db, id, body.data))) return jsonError(404, 'not_found', `no scheduled report ${id}`);
	return json({ updated: id });
};

/** DELETE /api/report-schedules/<id>: the schedule and the history of its sends. */
export const DELETE: RequestHandler = async ({ params, locals }) => {
	const schedule = parseParams(params, scheduleParams);
	if (!schedule.ok) return schedule.response;
	const { id } = schedule.data;
	if (!(await deleteReportSchedule(locals.database.db, id))) return jsonError(404, 'not_found', `no scheduled report ${id}`);
	return new Response(null, { status: 204 });
};
