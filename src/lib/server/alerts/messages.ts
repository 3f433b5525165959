import { formatDateTime, formatExact, formatPercent } from '../../format.js';
import type { NotificationKind, RuleCondition } from '../../types/alerts.js';

/** What a notification says, built from one alert event; the same facts in every format. */
export interface NotificationFacts {
	eventId: number;
	ruleId: number;
	ruleName: string;
	scope: string;
	series: string;
	targetName: string;
	condition: RuleCondition;
	notify: NotificationKind | 'test';
	state: string;
	value: number | null;
	atMs: number;
}

function describeCondition(condition: RuleCondition): string {
	switch (condition.kind) {
		case 'threshold':
			return `${condition.op} ${formatExact(condition.value)}`;
		case 'milestone':
			return `reached ${formatExact(condition.value)}`;
		case 'eta':
			return `expected to reach ${formatExact(condition.value)} within ${condition.withinDays} days (forecast)`;
		case 'stale':
			return `no new sample for more than ${condition.maxAgeHours} h`;
		case 'anomaly':
			return `the latest complete day is ${condition.direction === 'both' ? 'a spike or a drop' : `a ${condition.direction}`} (robust score past ${condition.minScore})`;
		case 'growth':
			return `growth over ${condition.windowDays} days ${condition.compare === 'ago' ? `vs ${condition.windowDays} days ago` : 'vs the previous window'} ${condition.op} ${formatPercent(condition.percent)}`;
	}
}

function describeValue(facts: NotificationFacts): string {
	if (facts.condition.kind === 'eta') return describeExpectedInDays(facts.value, facts.condition.withinDays);
	if (facts.value === null) return 'no data';
	if (facts.condition.kind === 'growth') return formatPercent(facts.value);
	if (facts.condition.kind === 'anomaly') return `scored ${facts.value.toFixed(1)} on its latest complete day`;
	if (facts.condition.kind === 'stale') return `last sample ${facts.value.toFixed(1)} h ago`;
	return formatExact(facts.value);
}

/** An eta rule's judged value: days until the forecast's expected day (0: reached, or due). */
function describeExpectedInDays(days: number | null, withinDays: number): string {
	if (days === null) return `not expected to reach it within ${withinDays} days`;
	return days === 0 ? 'at or past it' : `expected to reach it in ${days} day${days === 1 ? '' : 's'}`;
}

const headline: Record<NotificationFacts['notify'], string> = {
	firing: 'FIRING',
	repeat: 'STILL FIRING',
	resolved: 'RESOLVED',
	test: 'TEST'
};

/** One line for people: Slack text, the e-mail subject and first line. */
export function buildNotificationText(facts: NotificationFacts): string {
	return `[${headline[facts.notify]}] ${facts.ruleName}: ${facts.series} (${facts.targetName}) is ${describeValue(facts)}; rule: ${describeCondition(facts.condition)}; at ${formatDateTime(facts.atMs)}`;
}

/** The webhook body: JSON with every fact, or Slack's {"text": ...}. */
export function buildWebhookBody(facts: NotificationFacts, format: string): unknown {
	const text = buildNotificationText(facts);
	if (format === 'slack') return { text };
	return {
		kind: facts.notify,
		text,
		rule: { id: facts.ruleId, name: facts.ruleName, scope: facts.scope, condition: facts.condition },
		alert: { series: facts.series, target: facts.targetName, state: facts.state, value: facts.value },
		eventId: facts.eventId,
		at: new Date(facts.atMs).toISOString()
	};
}
