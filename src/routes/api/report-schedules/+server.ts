import { json } from '@sveltejs/kit';
import { badParameter } from '$lib/server/http/errors';
import { noQuery, parseBody, parseQuery } from '$lib/server/http/parse';
import { checkWebhookDestination } from '$lib/server/outbox/webhook-guard';
import { findSeriesProblem, reportScheduleInput, toScheduleRow } from '$lib/server/report-schedules/input';
import { listReportScheduleViews } from '$lib/server/report-schedules/list';
import { insertReportSchedule } from '$lib/server/db/queries/report-schedules';
import type { RequestHandler } from './$types';

/** GET /api/report-schedules: every scheduled report with its latest sends; e-mail addresses masked for readers who cannot write. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const query = parseQuery(url, noQuery);
	if (!query.ok) return query.response;
	return json({ schedules: await listReportScheduleViews(locals.database.db, { hasWriteRights: locals.canWrite }) });
};

/**
 * POST /api/report-schedules: a new scheduled report. Its series must resolve now (as GET /api/report's),
 * and webhooks to private addresses are refused unless ALLOW_PRIVATE_WEBHOOKS.
 */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = await parseBody(request, reportScheduleInput);
	if (!body.ok) return body.response;
	const seriesProblem = await findSeriesProblem(locals.database.db, body.data);
	if (seriesProblem) return badParameter('series', seriesProblem);
	for (const [i, webhook] of body.data.channels.webhooks.entries()) {
		const refusal = await checkWebhookDestination(webhook.url, locals.config.alerts.allowPrivateWebhooks);
		if (refusal) return badParameter(`channels.webhooks.${i}.url`, refusal);
	}
	const id = await insertReportSchedule(locals.database.db, toScheduleRow(body.data));
	const schedule = (await listReportScheduleViews(locals.database.db, { hasWriteRights: true })).find((s) => s.id === id);
	return json({ schedule }, { status: 201 });
};
