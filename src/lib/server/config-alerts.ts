import { z } from 'zod';
import { booleanFlag, cronExpression } from './config-values.js';

/** Alert settings (README, "Alerts"): when rules are judged and how notifications leave. Kept apart from config.ts, which merges them in. */

export const alertsShape = {
	ALERTS_CRON: cronExpression.default('*/5 * * * *'),
	ALLOW_PRIVATE_WEBHOOKS: booleanFlag.default(false),
	WEBHOOK_TIMEOUT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).max(120_000).default(10_000),
	SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'expected smtp://user:pass@host:587 or smtps://...' }).optional(),
	ALERT_EMAIL_FROM: z.string().min(3).default('Dockpulse <dockpulse@localhost>')
};

export interface AlertsConfig {
	cron: string;
	/** Webhooks to loopback, private and link-local addresses are refused unless this is set (SSRF). */
	allowPrivateWebhooks: boolean;
	webhookTimeoutMs: number;
	/** E-mail notifications only when set; it holds the SMTP password, so it is never shown. */
	smtpUrl: string | undefined;
	emailFrom: string;
}

export function readAlertsConfig(e: z.output<z.ZodObject<typeof alertsShape>>): AlertsConfig {
	return {
		cron: e.ALERTS_CRON,
		allowPrivateWebhooks: e.ALLOW_PRIVATE_WEBHOOKS,
		webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
		smtpUrl: e.SMTP_URL,
		emailFrom: e.ALERT_EMAIL_FROM
	};
}
