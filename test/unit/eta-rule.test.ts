import { describe, expect, it } from 'vitest';
import { computeExpectedInDays } from '../../src/lib/server/alerts/eta.js';
import { judgeCondition, ruleCondition } from '../../src/lib/server/alerts/rules.js';
import { dayMs } from '../../src/lib/server/metrics/forecast.js';

const startMs = Date.UTC(2026, 0, 1);
const daily = (days: number, value: (i: number) => number): [number, number][] =>
	Array.from({ length: days }, (_, i) => [startMs + i * dayMs, value(i)]);
// 7,420 + 10 a day for 100 days ends at 8,410 on 2026-04-10; the forecast expects 10,000 159 days
// later, on 2026-09-16 (the card ETA test checks that date against the same forecast).
const linear = daily(100, (i) => 7_420 + 10 * i);
const lastDayMs = startMs + 99 * dayMs;
const expectedDayMs = Date.UTC(2026, 8, 16);
const eta = (value: number, withinDays: number) => ruleCondition.parse({ kind: 'eta', value, withinDays }) as Extract<ReturnType<typeof ruleCondition.parse>, { kind: 'eta' }>;

describe('an eta rule: a milestone expected within N days', () => {
	it('counts the days from the evaluation to the expected day', () => {
		const nowMs = lastDayMs + dayMs / 2;
		expect(computeExpectedInDays(linear, eta(10_000, 200), nowMs)).toBe(Math.ceil((expectedDayMs - nowMs) / dayMs));
		expect(computeExpectedInDays(linear, eta(10_000, 200), nowMs)).toBe(159);
	});

	it('says null when the value is not expected within the window, and 0 when it is already reached', () => {
		expect(computeExpectedInDays(linear, eta(10_000, 100), lastDayMs)).toBeNull();
		expect(computeExpectedInDays(linear, eta(8_410, 7), lastDayMs)).toBe(0);
	});

	it('keeps the expected day of a stale series, counting from the evaluation', () => {
		const nowMs = lastDayMs + 30 * dayMs;
		// The projection still starts at the last sample: 30 days of silence bring the day 30 days closer.
		expect(computeExpectedInDays(linear, eta(10_000, 129), nowMs)).toBe(129);
		expect(computeExpectedInDays(linear, eta(10_000, 128), nowMs)).toBeNull();
	});

	it('cannot forecast an empty or too short history', () => {
		expect(computeExpectedInDays([], eta(10, 30), lastDayMs)).toBeUndefined();
		expect(computeExpectedInDays(daily(5, (i) => 10 * i), eta(1_000, 30), lastDayMs)).toBeUndefined();
	});

	it.each([
		[159, 'met', 159],
		[160, 'met', 160],
		[161, 'unmet', 161],
		[0, 'met', 0],
		[null, 'unmet', null],
		[undefined, 'noData', null]
	] as const)('with the value expected in %s days, a 160-day rule is %s', (expectedInDays, outcome, value) => {
		const probe = { latest: { tMs: lastDayMs, value: 8_410 }, windowStart: undefined, previousStart: undefined, expectedInDays };
		expect(judgeCondition(eta(10_000, 160), probe, lastDayMs)).toEqual({ outcome, value });
	});

	it('refuses a window past the forecast horizon, or not in whole days', () => {
		expect(ruleCondition.safeParse({ kind: 'eta', value: 10, withinDays: 1096 }).success).toBe(false);
		expect(ruleCondition.safeParse({ kind: 'eta', value: 10, withinDays: 1.5 }).success).toBe(false);
		expect(ruleCondition.safeParse({ kind: 'eta', value: 10, withinDays: 0 }).success).toBe(false);
		expect(ruleCondition.safeParse({ kind: 'eta', value: 10 }).success).toBe(false);
	});
});
