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

/** Stores a validated rule, its scope split into the parts evaluation matches on; returns its id. */
export async function insertAlertRule(db: Db, input: AlertRuleInput): Promise<number> {
	const { scope } = input;
	const parts =
		scope.kind === 'series'
			? { scopeSource: scope.ref.source, scopeKey: scope.ref.key, scopeMetric: scope.ref.metric }
			: { scopeSource: scope.pattern.source, scopeKey: scope.pattern.keyGlob, scopeMetric: scope.pattern.metric };
	return insertAlertRuleRow(db, {
		name: input.name,
		scope: scope.text,
		...parts,
		condition: input.condition,
		pendingEvaluations: input.pendingEvaluations,
		repeatIntervalMinutes: input.repeatIntervalMinutes,
		noData: input.noData,
		channels: input.channels,
		snoozedUntil: input.snoozedUntil
	});
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
