import { z } from 'zod';
import { noDataPolicies } from '../../types/alerts.js';
import type { Db } from '../db/client.js';
import { insertAlertRule as insertAlertRuleRow } from '../db/queries/alert-rules.js';
import { listSeriesMatching } from '../db/queries/targets.js';
import { isoInstant } from '../http/schemas.js';
import { seriesSelector, type SeriesSelector } from '../series/selector.js';
import { notificationChannels, ruleCondition } from './rules.js';

/** A new alert rule as the API and the alerts page send it, validated. */
export const alertRuleInput = z
	.object({
		name: z.string().trim().min(1, 'give the rule a name').max(200, 'at most 200 characters'),
		scope: seriesSelector,
		condition: ruleCondition,
		pendingEvaluations: z.number().int().min(0).max(1000).default(0),
		repeatIntervalMinutes: z.number().int().min(1).max(525_600).nullable().default(null),
		noData: z.enum(noDataPolicies).default('keep'),
		channels: notificationChannels.prefault({}),
		snoozedUntil: isoInstant.nullable().default(null)
	})
	.strict();
export type AlertRuleInput = z.output<typeof alertRuleInput>;

/** A validated rule as its row stores it, the scope split into the parts evaluation matches on. */
export function toRuleRow(input: AlertRuleInput) {
	const { scope } = input;
	const parts =
		scope.kind === 'series'
			? { scopeSource: scope.ref.source, scopeKey: scope.ref.key, scopeMetric: scope.ref.metric }
			: { scopeSource: scope.pattern.source, scopeKey: scope.pattern.keyGlob, scopeMetric: scope.pattern.metric };
	const { name, condition, pendingEvaluations, repeatIntervalMinutes, noData, channels, snoozedUntil } = input;
	return { name, scope: scope.text, ...parts, condition, pendingEvaluations, repeatIntervalMinutes, noData, channels, snoozedUntil };
}

/** Stores a validated rule; returns its id. */
export function insertAlertRule(db: Db, input: AlertRuleInput): Promise<number> {
	return insertAlertRuleRow(db, toRuleRow(input));
}

/**
 * Why a rule's scope cannot be saved, if it cannot: a pattern matching more than `maxSeries` series
 * (ALERT_PATTERN_MAX_SERIES). A pattern that grows past it later is capped at evaluation (evaluate.ts).
 */
export async function findScopeProblem(db: Db, scope: SeriesSelector, maxSeries: number): Promise<string | undefined> {
	if (scope.kind !== 'pattern') return undefined;
	const matched = await listSeriesMatching(db, scope.pattern, maxSeries + 1);
	if (matched.length <= maxSeries) return undefined;
	return `"${scope.text}" matches more than ${maxSeries} series, the most one rule may watch (ALERT_PATTERN_MAX_SERIES); narrow the pattern`;
}
