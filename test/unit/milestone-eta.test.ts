import { describe, expect, it } from 'vitest';
import { dayMs } from '../../src/lib/server/metrics/forecast.js';
import { computeNextRoundMilestone } from '../../src/lib/server/metrics/milestone.js';
import { computeMilestoneEta } from '../../src/lib/server/overview/eta.js';

describe('the next round milestone above a value', () => {
	it.each([
		[742_000_000, 1_000_000_000],
		[1_200_000_000, 2_000_000_000],
		[3_100, 5_000],
		[12_981_954_060, 20_000_000_000],
		[4_990, 5_000],
		[9.99, 10]
	])('after %d comes %d', (latest, next) => {
		expect(computeNextRoundMilestone(latest)).toBe(next);
	});

	it.each([
		[1, 2],
		[2, 5],
		[5, 10],
		[1_000, 2_000],
		[1e15, 2e15],
		[5e9, 1e10]
	])('an exact round value %d is already passed: next is %d', (latest, next) => {
		expect(computeNextRoundMilestone(latest)).toBe(next);
	});

	it.each([
		[0, 1],
		[-5, 1],
		[0.3, 0.5],
		[0.1, 0.2],
		[0.2, 0.5],
		[0.0042, 0.005]
	])('below 1: after %d comes %d', (latest, next) => {
		expect(computeNextRoundMilestone(latest)).toBe(next);
	});
});

const startMs = Date.UTC(2026, 0, 1);
const daily = (days: number, value: (i: number) => number): [number, number][] =>
	Array.from({ length: days }, (_, i) => [startMs + i * dayMs, value(i)]);

describe('a card milestone ETA', () => {
	it('dates the next round value of a linear counter, with the method', () => {
		// 7,420 + 10 a day for 100 days ends at 8,410 on 2026-04-10; 10,000 is 159 days later.
		const eta = computeMilestoneEta(daily(100, (i) => 7_420 + 10 * i));
		expect(eta).toEqual({
			value: 10_000,
			method: expect.stringContaining('damped linear trend'),
			date: '2026-09-16',
			earliest: '2026-09-16',
			latest: '2026-09-16',
			horizonYears: 3
		});
	});

	it('says the value is not expected within 3 years when the counter barely moves', () => {
		const eta = computeMilestoneEta(daily(100, (i) => 1_000_000 + i));
		expect(eta).toMatchObject({ value: 2_000_000, date: null, earliest: null, latest: null, horizonYears: 3 });
	});

	it('gives no ETA for a history too short to forecast', () => {
		expect(computeMilestoneEta(daily(5, (i) => 10 * i))).toBeNull();
	});
});
