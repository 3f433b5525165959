import type { HistoryEntry, RuleView } from '../../types/alerts.js';
import type { Db } from '../db/client.js';
import { listAlertEvents } from '../db/queries/alert-history.js';
import { listAlertRulesWithAlerts } from '../db/queries/alert-rules.js';

/** Alert rules with their alerts, and the history of both, as the API and the alerts page show them. */

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * A webhook URL as pages and the API show it: its origin only. The path of a Slack (or most other)
 * webhook is its secret, and reads may be open to anyone who can reach the server.
 */
export function redactWebhookUrl(url: string): string {
	// Stored URLs were validated as http(s) URLs when the rule was saved.
	const { origin, pathname } = new URL(url);
	return pathname === '/' ? origin : `${origin}/…`;
}

/**
 * An e-mail address for readers without write rights: the first letter and the domain, enough to tell
 * channels apart without handing addresses to anyone who can read the dashboard.
 */
export function maskEmail(address: string): string {
	const at = address.lastIndexOf('@');
	return at < 1 ? '***' : `${address[0]}***${address.slice(at)}`;
}

/** Who reads: e-mail addresses are shown in full only to those who could change the rules. */
export interface Reader {
	hasWriteRights: boolean;
}

/** `maxSeriesPerRule` is ALERT_PATTERN_MAX_SERIES, the most series one evaluation judges for a pattern. */
export async function listRuleViews(db: Db, reader: Reader, maxSeriesPerRule: number): Promise<RuleView[]> {
	const rows = await listAlertRulesWithAlerts(db);
	const showEmail = reader.hasWriteRights ? (e: string) => e : maskEmail;
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		scope: r.scope,
		condition: r.condition,
		pendingEvaluations: r.pending_evaluations,
		repeatIntervalMinutes: r.repeat_interval_minutes,
		noData: r.no_data,
		channels: {
			webhooks: r.channels.webhooks.map((w) => ({ ...w, url: redactWebhookUrl(w.url) })),
			emails: r.channels.emails.map(showEmail)
		},
		snoozedUntil: iso(r.snoozed_ms),
		isEnabled: r.is_enabled,
		createdAt: iso(r.created_ms)!,
		alerts: (r.alerts ?? []).map((a) => ({ series: a.series, state: a.state, since: iso(a.since_ms), value: a.value })),
		patternSeries: r.matched_series === null ? null : { matched: r.matched_series, evaluated: Math.min(r.matched_series, maxSeriesPerRule) }
	}));
}

type Delivery = HistoryEntry['deliveries'][number];

/** A mail server's refusal often quotes the recipient, so the detail is masked along with the address. */
function showDelivery(delivery: Delivery, reader: Reader): Delivery {
	if (delivery.channel === 'webhook') return { ...delivery, destination: redactWebhookUrl(delivery.destination) };
	if (delivery.channel !== 'email' || reader.hasWriteRights) return delivery;
	const masked = maskEmail(delivery.destination);
	return { ...delivery, destination: masked, lastDetail: delivery.lastDetail?.replaceAll(delivery.destination, masked) ?? null };
}

/** State changes and notifications, newest first, with what became of each delivery. */
export async function listAlertHistory(db: Db, options: { ruleId?: number; limit: number }, reader: Reader): Promise<HistoryEntry[]> {
	const rows = await listAlertEvents(db, options);
	return rows.map(({ at_ms, deliveries, ...rest }) => ({
		...rest,
		at: iso(at_ms)!,
		value: rest.value === null ? null : Number(rest.value),
		deliveries: (deliveries ?? []).map((d) => showDelivery(d, reader))
	}));
}
