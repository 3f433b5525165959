import type { Config } from '../config.js';
import type { DeliveryDeps } from './deliver.js';
import { createMailer } from './send.js';

/** The delivery settings of a configuration, its SMTP transport made once. */
const depsByConfig = new WeakMap<Config, DeliveryDeps>();

export function getDeliveryDeps(config: Config): DeliveryDeps {
	let deps = depsByConfig.get(config);
	if (!deps) {
		const { smtpUrl, emailFrom, webhookTimeoutMs, allowPrivateWebhooks } = config.alerts;
		deps = { webhookTimeoutMs, allowPrivateWebhooks, mailer: smtpUrl ? createMailer(smtpUrl, emailFrom, webhookTimeoutMs) : undefined };
		depsByConfig.set(config, deps);
	}
	return deps;
}
