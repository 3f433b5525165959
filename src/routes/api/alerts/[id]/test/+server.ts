import { json } from '@sveltejs/kit';
import { sendTestNotifications } from '$lib/server/alerts/test-notification';
import { redactWebhookUrl } from '$lib/server/outbox/redact';
import { jsonError } from '$lib/server/http/errors';
import { parseParams } from '$lib/server/http/parse';
import { idParams } from '$lib/server/http/schemas';
import type { RequestHandler } from './$types';

const ruleParams = idParams('a rule');

/** POST /api/alerts/<id>/test: sends a test notification to every channel of the rule now. */
export const POST: RequestHandler = async ({ params, locals }) => {
	const rule = parseParams(params, ruleParams);
	if (!rule.ok) return rule.response;
	const results = await sendTestNotifications(locals.database.db, locals.config, rule.data.id);
	if (!results) return jsonError(404, 'not_found', `no alert rule ${rule.data.id}`);
	return json({ results: results.map((r) => ({ destination: r.channel === 'webhook' ? redactWebhookUrl(r.destination) : r.destination, ok: r.attempt.ok, detail: r.attempt.detail })) });
};
