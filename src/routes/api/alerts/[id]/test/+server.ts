import { json } from '@sveltejs/kit';
import { sendTestNotifications } from '$lib/server/alerts/test-notification';
import { redactWebhookUrl } from '$lib/server/alerts/list';
import { badParameter, jsonError } from '$lib/server/http/errors';
import type { RequestHandler } from './$types';

/** POST /api/alerts/<id>/test: sends a test notification to every channel of the rule now. */
export const POST: RequestHandler = async ({ params, locals }) => {
	if (!/^\d{1,9}$/.test(params.id)) return badParameter('id', 'expected a rule id');
	const results = await sendTestNotifications(locals.database.db, locals.config, Number(params.id));
	if (!results) return jsonError(404, 'not_found', `no alert rule ${params.id}`);
	return json({ results: results.map((r) => ({ destination: r.channel === 'webhook' ? redactWebhookUrl(r.destination) : r.destination, ok: r.attempt.ok, detail: r.attempt.detail })) });
};
