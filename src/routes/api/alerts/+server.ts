import { json } from '@sveltejs/kit';
import { alertRuleInput, findScopeProblem, insertAlertRule } from '$lib/server/alerts/rule-input';
import { listRuleViews } from '$lib/server/alerts/list';
import { checkWebhookDestination } from '$lib/server/outbox/webhook-guard';
import { badParameter } from '$lib/server/http/errors';
import { noQuery, parseBody, parseQuery } from '$lib/server/http/parse';
import type { RequestHandler } from './$types';

/** GET /api/alerts: every rule with its alerts that are not normal; e-mail addresses masked for readers who cannot write. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const query = parseQuery(url, noQuery);
	if (!query.ok) return query.response;
	return json({ rules: await listRuleViews(locals.database.db, { hasWriteRights: locals.canWrite }, locals.config.limits.alertPatternMaxSeries) });
};

/**
 * POST /api/alerts: a new rule; a pattern matching more than ALERT_PATTERN_MAX_SERIES series is refused, as
 * are webhooks to private addresses unless ALLOW_PRIVATE_WEBHOOKS.
 */
export const POST: RequestHandler = async ({ request, locals }) => {
	const body = await parseBody(request, alertRuleInput);
	if (!body.ok) return body.response;
	const scopeProblem = await findScopeProblem(locals.database.db, body.data.scope, locals.config.limits.alertPatternMaxSeries);
	if (scopeProblem) return badParameter('scope', scopeProblem);
	for (const [i, webhook] of body.data.channels.webhooks.entries()) {
		const refusal = await checkWebhookDestination(webhook.url, locals.config.alerts.allowPrivateWebhooks);
		if (refusal) return badParameter(`channels.webhooks.${i}.url`, refusal);
	}
	const id = await insertAlertRule(locals.database.db, body.data);
	const rule = (await listRuleViews(locals.database.db, { hasWriteRights: true }, locals.config.limits.alertPatternMaxSeries)).find((r) => r.id === id);
	return json({ rule }, { status: 201 });
};
