import { json } from '@sveltejs/kit';
import { jsonError } from '$lib/server/http/errors';
import { parseParams } from '$lib/server/http/parse';
import { idParams } from '$lib/server/http/schemas';
import { sendReportNow } from '$lib/server/report-schedules/send-due';
import type { RequestHandler } from './$types';

const scheduleParams = idParams('a scheduled report');

/** POST /api/report-schedules/<id>/send: the report as of now, to every channel of the schedule, through the outbox. */
export const POST: RequestHandler = async ({ params, locals }) => {
	const schedule = parseParams(params, scheduleParams);
	if (!schedule.ok) return schedule.response;
	const { id } = schedule.data;
	const sent = await sendReportNow(locals.database.db, id, Date.now());
	if (!sent) return jsonError(404, 'not_found', `no scheduled report ${id}`);
	locals.collection.kickDeliveries();
	return json({ queued: sent.isQueued }, { status: 202 });
};
