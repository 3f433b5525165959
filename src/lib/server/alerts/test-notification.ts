import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { getAlertRule } from '../db/queries/alert-rules.js';
import { sendMessage } from '../outbox/deliver.js';
import { getDeliveryDeps } from '../outbox/delivery-deps.js';
import type { Attempt } from '../outbox/send.js';
import { buildAlertMessage } from './outbox.js';

/** The "send test notification" button: every channel of a rule, at once, each with its outcome. */
export async function sendTestNotifications(
	db: Db,
	config: Config,
	ruleId: number
): Promise<{ channel: 'webhook' | 'email'; destination: string; attempt: Attempt }[] | undefined> {
	const rule = await getAlertRule(db, ruleId);
	if (!rule) return undefined;
	const facts = {
		eventId: 0,
		ruleId: rule.id,
		ruleName: rule.name,
		scope: rule.scope,
		series: rule.scope,
		targetName: 'test notification',
		condition: rule.condition,
		notify: 'test' as const,
		state: 'test',
		value: null,
		atMs: Date.now()
	};
	const message = buildAlertMessage(facts);
	const deps = getDeliveryDeps(config);
	const sends = [
		...rule.channels.webhooks.map((w) => ({ channel: 'webhook' as const, destination: w.url, send: () => sendMessage(message, 'webhook', w.url, w.format, deps) })),
		...rule.channels.emails.map((e) => ({ channel: 'email' as const, destination: e, send: () => sendMessage(message, 'email', e, 'text', deps) }))
	];
	return Promise.all(sends.map(async ({ channel, destination, send }) => ({ channel, destination, attempt: await send() })));
}
