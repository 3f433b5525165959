import { describe, expect, it } from 'vitest';
import { getRateLimitWaitMs } from '../../jobs/collectors/http.js';
import { defaultCounterConfig } from '../../src/lib/server/config-counters.js';
import { computeCounterFlags, computeSeriesFlags, resolveFlagRules } from '../../src/lib/server/metrics/counters.js';

const pulls = resolveFlagRules(defaultCounterConfig, { metric: 'pulls', kind: 'counter', source: 'dockerhub' });
const stars = resolveFlagRules(defaultCounterConfig, { metric: 'stars', kind: 'counter', source: 'github' });
const at = (value: number, valueStallDaysAgo?: number) => ({ tMs: 0, value, valueStallDaysAgo });

describe('counter hygiene', () => {
	it.each([
		['a first sample', undefined, 100, []],
		['steady growth', at(100, 90), 110, []],
		['a drop', at(100, 90), 99, ['decrease']],
		['a jump past the factor', at(100, 90), 201, ['jump']],
		['exactly the factor', at(100, 90), 200, []],
		['no change for stallDays', at(100, 100), 100, ['stall']],
		['no change since the last poll only', at(100, 95), 100, []],
		['no change, history too short to say', at(100), 100, []],
		['Docker Hub frozen at 2^31 - 1, stalled', at(2_147_483_647, 2_147_483_647), 2_147_483_647, ['stall', 'frozen']],
		['reaching 2^31 - 1', at(2_147_000_000, 2_140_000_000), 2_147_483_647, ['frozen']],
		['one below 2^31 - 1', at(2_147_000_000, 2_140_000_000), 2_147_483_646, []],
		['the first sample frozen', undefined, 2_147_483_647, ['frozen']],
		['a signed int32 wrap: negative', at(2_147_483_000, 2_147_000_000), -2_147_483_000, ['decrease', 'wrapped']],
		['a negative first sample', undefined, -5, ['wrapped']],
		['an unsigned wrap: down by 2^32 less the growth', at(4_300_000_000, 4_290_000_000), 4_300_100_000 - 2 ** 32, ['decrease', 'wrapped']],
		['a correction of a few million is no wrap', at(4_300_000_000, 4_290_000_000), 4_294_000_000, ['decrease']],
		['a drop of 2^31 is no wrap', at(3_000_000_000, 2_900_000_000), 3_000_000_000 - 2 ** 31, ['decrease']]
	])('pulls: %s', (_, previous, value, flags) => {
		expect(computeCounterFlags(previous, value, pulls)).toEqual(flags);
	});

	it('flags a stall only on the metrics configured for it (pulls by default)', () => {
		expect(computeCounterFlags(at(100, 100), 100, stars)).toEqual([]);
		const releases = resolveFlagRules({ ...defaultCounterConfig, stallMetrics: ['pulls', 'releases'] }, { metric: 'releases', kind: 'counter', source: 'github' });
		expect(computeCounterFlags(at(7, 7), 7, releases)).toEqual(['stall']);
	});

	it('flags nothing on a published reference figure: citations years apart, not counter readings', () => {
		const published = resolveFlagRules(defaultCounterConfig, { metric: 'pulls', kind: 'counter', source: 'reference' });
		expect(computeCounterFlags(at(2_750_000, 1_000_000), 500_000_000, published)).toEqual([]);
		expect(computeCounterFlags(at(2_750_000, 1_000_000), 500_000_000, pulls)).toEqual(['jump']);
	});

	it('flags nothing on a gauge', () => {
		const watchers = resolveFlagRules(defaultCounterConfig, { metric: 'watchers', kind: 'gauge', source: 'github' });
		expect(computeCounterFlags(at(100, 90), 10, watchers)).toEqual([]);
		expect(computeCounterFlags(undefined, -1, watchers)).toEqual([]);
	});

	it('judges each sample of a sorted series against the one before it and the one stallDays before it', () => {
		const day = 86_400_000;
		const series = [0, 1, 2, 3, 3.5, 4, 8].map((d, i) => ({ tMs: d * day, value: [10, 10, 10, 10, 5, 5, 11][i]! }));
		// Day 3: same as day 2 and as day 0 (3 days back): a stall. Day 3.5: a drop. Day 4: same as 3.5,
		// but day 1 (the latest at or before day 1) held 10. Day 8: more than twice 5.
		expect(computeSeriesFlags(series, pulls)).toEqual([[], [], [], ['stall'], ['decrease'], [], ['jump']]);
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
