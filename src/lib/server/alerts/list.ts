import type { HistoryEntry, RuleView } from '../../types/alerts.js';
import type { Db } from '../db/client.js';
import { listAlertEvents } from '../db/queries/alert-history.js';
import { listAlertRulesWithAlerts } from '../db/queries/alert-rules.js';
import { maskEmail, redactWebhookUrl, showDelivery, type Reader } from '../outbox/redact.js';

/** Alert rules with their alerts, and the history of both, as the API and the alerts page show them. */

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

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
