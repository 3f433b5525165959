import { describe, expect, it } from 'vitest';
import { getRateLimitWaitMs } from '../../jobs/collectors/http.js';
import { computeCounterFlags } from '../../src/lib/server/metrics/counters.js';

const config = { jumpFactor: 2, stallDays: 3 };

describe('counter hygiene', () => {
	it.each([
		['a first sample', undefined, 100, []],
		['steady growth', { tMs: 0, value: 100, valueStallDaysAgo: 90 }, 110, []],
		['a drop', { tMs: 0, value: 100, valueStallDaysAgo: 90 }, 99, ['decrease']],
		['a jump past the factor', { tMs: 0, value: 100, valueStallDaysAgo: 90 }, 201, ['jump']],
		['exactly the factor', { tMs: 0, value: 100, valueStallDaysAgo: 90 }, 200, []],
		['no change for stallDays', { tMs: 0, value: 100, valueStallDaysAgo: 100 }, 100, ['stall']],
		['no change since the last poll only', { tMs: 0, value: 100, valueStallDaysAgo: 95 }, 100, []],
		['no change, history too short to say', { tMs: 0, value: 100, valueStallDaysAgo: undefined }, 100, []],
		['Docker Hub frozen at 2^31 - 1', { tMs: 0, value: 2_147_483_647, valueStallDaysAgo: 2_147_483_647 }, 2_147_483_647, ['stall']]
	])('%s', (_, previous, value, flags) => {
		expect(computeCounterFlags(previous, value, config)).toEqual(flags);
	});
});

describe('rate-limit waits', () => {
	const nowMs = Date.UTC(2026, 10, 28, 10, 0, 0);
	it('reads Retry-After in seconds or as a date, else X-RateLimit-Reset or X-Retry-After in epoch seconds', () => {
		expect(getRateLimitWaitMs(new Headers({ 'retry-after': '30' }), nowMs)).toBe(30_000);
		expect(getRateLimitWaitMs(new Headers({ 'retry-after': new Date(nowMs + 5000).toUTCString() }), nowMs)).toBe(5000);
		expect(getRateLimitWaitMs(new Headers({ 'x-ratelimit-reset': String(nowMs / 1000 + 90) }), nowMs)).toBe(90_000);
		expect(getRateLimitWaitMs(new Headers({ 'x-ratelimit-reset': String(nowMs / 1000 - 90) }), nowMs)).toBe(0);
		expect(getRateLimitWaitMs(new Headers({ 'x-retry-after': String(nowMs / 1000 + 45) }), nowMs)).toBe(45_000);
		expect(getRateLimitWaitMs(new Headers(), nowMs)).toBeUndefined();
	});
});
