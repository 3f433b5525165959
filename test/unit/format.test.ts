import { describe, expect, it } from 'vitest';
import { formatAge, formatCount, formatDate, formatDateTime, formatExact, formatMultiplier, formatPercent } from '../../src/lib/format.js';

describe('number formats for people', () => {
	it('writes counts compactly from 10,000 up and exactly below', () => {
		expect([formatCount(460), formatCount(1302), formatCount(14_500), formatCount(1_234_567), formatCount(500_000_000)]).toEqual([
			'460',
			'1,302',
			'14.5K',
			'1.23M',
			'500M'
		]);
	});

	it('writes exact values with every digit grouped', () => {
		expect(formatExact(12_981_954_060)).toBe('12,981,954,060');
		expect(formatExact(115.5)).toBe('115.5');
	});

	it('writes growth as the seed does: +18,082%, +183%, with a decimal only for small changes', () => {
		expect(formatPercent(18_081.818)).toBe('+18,082%');
		expect(formatPercent(183.04)).toBe('+183%');
		expect(formatPercent(4.66)).toBe('+4.7%');
		expect(formatPercent(0.049)).toBe('+0.05%');
		expect(formatPercent(-12.4)).toBe('−12%');
		expect(formatPercent(0)).toBe('0%');
	});

	it('writes multipliers with three significant digits at least', () => {
		expect(formatMultiplier(2.8304)).toBe('x2.83');
		expect(formatMultiplier(181.818)).toBe('x181.8');
		expect(formatMultiplier(1000)).toBe('x1,000');
	});
});

describe('date formats', () => {
	it('writes ISO dates and times in UTC, whatever the input form', () => {
		expect(formatDate('2015-06-22T23:30:00Z')).toBe('2015-06-22');
		expect(formatDate(Date.UTC(2014, 5, 9))).toBe('2014-06-09');
		expect(formatDateTime('2026-11-28T15:20:36.123Z')).toBe('2026-11-28 15:20 UTC');
	});

	it('writes ages in minutes, hours or days', () => {
		const now = Date.UTC(2026, 10, 28, 12);
		expect(formatAge(now - 5 * 60_000, now)).toBe('5 min ago');
		expect(formatAge(now - 3 * 3_600_000, now)).toBe('3 h ago');
		expect(formatAge(now - 5 * 86_400_000, now)).toBe('5 days ago');
	});
});
