import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { deliverDue, type DeliveryDeps, type DeliveryReport } from './deliver.js';
import { evaluateAlerts, type EvaluationReport } from './evaluate.js';
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

export interface AlertRun {
	evaluation: EvaluationReport;
	delivery: DeliveryReport;
}

/** One evaluation of every rule, then every notification due: after writes (see after-write.ts) and on ALERTS_CRON. */
export async function runAlerts(db: Db, config: Config, nowMs = Date.now()): Promise<AlertRun> {
	const evaluation = await evaluateAlerts(db, nowMs, undefined, config.limits.alertPatternMaxSeries);
	const delivery = await deliverDue(db, getDeliveryDeps(config), nowMs);
	return { evaluation, delivery };
}
