/**
 * The vocabulary of alerts, shared by the schema, the queries, the alerts feature and the alerts page.
 * The zod schemas that validate rules (lib/server/alerts/rules.ts) produce exactly these shapes.
 */

export const comparisons = ['above', 'below'] as const;
export type Comparison = (typeof comparisons)[number];

export const webhookFormats = ['json', 'slack'] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

/** Which anomalies an anomaly rule fires on. */
export const anomalyDirections = ['spike', 'drop', 'both'] as const;
export type AnomalyDirection = (typeof anomalyDirections)[number];

/** When a rule is met; see lib/server/alerts/rules.ts for what each kind means. */
export type RuleCondition =
	| { kind: 'threshold'; op: Comparison; value: number }
	| { kind: 'growth'; windowDays: number; compare: 'ago' | 'previous'; op: Comparison; percent: number; minBase: number }
	| { kind: 'milestone'; value: number }
	| { kind: 'eta'; value: number; withinDays: number }
	| { kind: 'stale'; maxAgeHours: number }
	| { kind: 'anomaly'; direction: AnomalyDirection; minScore: number };

/** Where a rule's notifications go. */
export interface NotificationChannels {
	webhooks: { url: string; format: WebhookFormat }[];
	emails: string[];
}

export const alertStates = ['normal', 'pending', 'firing', 'resolved'] as const;
export type AlertState = (typeof alertStates)[number];

/** What to do with noData: keep the state as it is, count it as unmet, or as met. */
export const noDataPolicies = ['keep', 'unmet', 'met'] as const;
export type NoDataPolicy = (typeof noDataPolicies)[number];

export type NotificationKind = 'firing' | 'repeat' | 'resolved';

/** One alert of a rule that is not normal, as the alerts page and GET /api/alerts show it. */
export interface AlertView {
	series: string;
	state: string;
	since: string | null;
	value: number | null;
}

/** A rule as the alerts page and GET /api/alerts show it; webhook URLs are redacted to their origin. */
export interface RuleView {
	id: number;
	name: string;
	scope: string;
	condition: RuleCondition;
	pendingEvaluations: number;
	repeatIntervalMinutes: number | null;
	noData: string;
	channels: NotificationChannels;
	snoozedUntil: string | null;
	isEnabled: boolean;
	createdAt: string;
	/** Every alert of the rule that is not normal: pending, firing or resolved. */
	alerts: AlertView[];
	/**
	 * For a pattern rule: the series it matches now, and how many of them an evaluation judges (the
	 * oldest ALERT_PATTERN_MAX_SERIES, when the pattern grew past that after it was saved). Null for a
	 * rule on one series.
	 */
	patternSeries: { matched: number; evaluated: number } | null;
}

/** One state change or notification, with what became of each of its deliveries. */
export interface HistoryEntry {
	id: number;
	at: string;
	ruleId: number;
	ruleName: string;
	series: string;
	from: string;
	to: string;
	notify: string | null;
	value: number | null;
	deliveries: { channel: string; destination: string; status: string; attempts: number; lastDetail: string | null }[];
}
