import { describe, expect, it } from 'vitest';
import { buildNotificationText } from '../../src/lib/server/alerts/messages.js';
import { judgeCondition, ruleCondition, type Probe } from '../../src/lib/server/alerts/rules.js';

const day = 86_400_000;
const now = Date.UTC(2026, 10, 28);
const at = (daysAgo: number, value: number) => ({ tMs: now - daysAgo * day, value });
const probe = (latest?: [number, number], windowStart?: [number, number], previousStart?: [number, number]): Probe => ({
	latest: latest && at(...latest),
	windowStart: windowStart && at(...windowStart),
	previousStart: previousStart && at(...previousStart)
});
const judge = (condition: unknown, p: Probe) => judgeCondition(ruleCondition.parse(condition), p, now);

describe('alert conditions', () => {
	it.each([
		[{ kind: 'threshold', op: 'above', value: 1000 }, probe([0, 1001]), 'met', 1001],
		[{ kind: 'threshold', op: 'above', value: 1000 }, probe([0, 1000]), 'unmet', 1000],
		[{ kind: 'threshold', op: 'below', value: 10 }, probe([0, 9]), 'met', 9],
		[{ kind: 'threshold', op: 'below', value: 10 }, probe(), 'noData', null],
		[{ kind: 'milestone', value: 1e9 }, probe([0, 1e9]), 'met', 1e9],
		[{ kind: 'milestone', value: 1e9 }, probe([0, 999_999_999]), 'unmet', 999_999_999],
		[{ kind: 'stale', maxAgeHours: 48 }, probe([3, 5]), 'met', 72],
		[{ kind: 'stale', maxAgeHours: 48 }, probe([1, 5]), 'unmet', 24],
		[{ kind: 'stale', maxAgeHours: 48 }, probe(), 'met', null]
	] as const)('%j on %j is %s', (condition, p, outcome, value) => {
		expect(judge(condition, p)).toEqual({ outcome, value });
	});

	it.each([
		// pulls grew 25% in 7 days: 1,000 -> 1,250.
		['above 20% vs 7 days ago', { compare: 'ago', op: 'above', percent: 20 }, probe([0, 1250], [7, 1000]), 'met', 25],
		['not above 30%', { compare: 'ago', op: 'above', percent: 30 }, probe([0, 1250], [7, 1000]), 'unmet', 25],
		['below 1% (stalled)', { compare: 'ago', op: 'below', percent: 1 }, probe([0, 1000], [7, 1000]), 'met', 0],
		// 300 new in the last window against 200 in the one before: +50% faster.
		['vs the previous window', { compare: 'previous', op: 'above', percent: 40 }, probe([0, 1500], [7, 1200], [14, 1000]), 'met', 50],
		['slowing down', { compare: 'previous', op: 'below', percent: -20 }, probe([0, 1300], [7, 1200], [14, 1000]), 'met', -50],
		['no history that far back', { compare: 'ago', op: 'above', percent: 20 }, probe([0, 1250]), 'noData', null],
		['a base under minBase', { compare: 'ago', op: 'above', percent: 20, minBase: 5000 }, probe([0, 1250], [7, 1000]), 'noData', null],
		['a zero base', { compare: 'ago', op: 'above', percent: 20 }, probe([0, 10], [7, 0]), 'noData', null],
		['no change in the previous window', { compare: 'previous', op: 'above', percent: 20 }, probe([0, 1300], [7, 1000], [14, 1000]), 'noData', null]
	] as const)('growth %s', (_, settings, p, outcome, value) => {
		expect(judge({ kind: 'growth', windowDays: 7, ...settings }, p)).toEqual({ outcome, value });
	});

	it.each([
		['a spike past minScore', { direction: 'spike', minScore: 5 }, 6.2, 'met'],
		['a spike at exactly minScore', { direction: 'spike', minScore: 5 }, 5, 'met'],
		['a drop, watched for spikes', { direction: 'spike', minScore: 5 }, -9, 'unmet'],
		['a drop past -minScore', { direction: 'drop' }, -3.6, 'met'],
		['a spike under the default 3.5', { direction: 'both' }, 3.4, 'unmet'],
		['either way, a drop', {}, -12, 'met']
	] as const)('anomaly: %s', (_, settings, score, outcome) => {
		expect(judge({ kind: 'anomaly', ...settings }, { ...probe([0, 100]), latestDayScore: score })).toEqual({ outcome, value: score });
	});

	it('has no data for an anomaly rule when the latest complete day was not scored, and defaults to both ways past 3.5', () => {
		expect(judge({ kind: 'anomaly' }, probe([0, 100]))).toEqual({ outcome: 'noData', value: null });
		expect(ruleCondition.parse({ kind: 'anomaly' })).toEqual({ kind: 'anomaly', direction: 'both', minScore: 3.5 });
		expect(ruleCondition.safeParse({ kind: 'anomaly', direction: 'up' }).success).toBe(false);
		expect(ruleCondition.safeParse({ kind: 'anomaly', minScore: 0.5 }).success).toBe(false);
	});

	it('refuses a condition that is not one of the kinds, or has a bad field', () => {
		expect(ruleCondition.safeParse({ kind: 'spike', value: 1 }).success).toBe(false);
		expect(ruleCondition.safeParse({ kind: 'growth', windowDays: 0, compare: 'ago', op: 'above', percent: 5 }).success).toBe(false);
		expect(ruleCondition.safeParse({ kind: 'threshold', op: 'above', value: 1, extra: true }).success).toBe(false);
	});
});

describe('anomaly alert notifications', () => {
	it('say which way the latest complete day went and its score', () => {
		const text = buildNotificationText({
			eventId: 1,
			ruleId: 2,
			ruleName: 'pull spikes',
			scope: 'dockerhub:library/*:pulls',
			series: 'dockerhub:library/nginx:pulls',
			targetName: 'library/nginx',
			condition: { kind: 'anomaly', direction: 'spike', minScore: 5 },
			notify: 'firing',
			state: 'firing',
			value: 12.345,
			atMs: now
		});
		expect(text).toBe(
			'[FIRING] pull spikes: dockerhub:library/nginx:pulls (library/nginx) is scored 12.3 on its latest complete day; rule: the latest complete day is a spike (robust score past 5); at 2026-11-28 00:00 UTC'
		);
	});
});
