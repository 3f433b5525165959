import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStarHistory } from '../../jobs/collectors/github/backfill/parse.js';
import { computeHistoryDailyStars } from '../../jobs/collectors/github/backfill/star-history.js';

const documented = JSON.parse(readFileSync('test/fixtures/github/backfill/doc-star-history.json', 'utf8')).body;
const days = (samples: { ts: Date; value: number }[]) => samples.map((s) => [s.ts.toISOString(), s.value]);
const week = 1754784000; // 2025-08-10T00:00:00Z, a Sunday

describe('parseStarHistory', () => {
	it('reads the documented example as its week and seven days, leaving total out', () => {
		expect(parseStarHistory(documented, 'x')).toEqual([{ week, days: [0, 12, 7, 0, 0, 0, 0] }]);
	});

	it.each([
		['six days', [{ week, total: 1, days: [0, 1, 0, 0, 0, 0] }]],
		['a negative count', [{ week, total: 0, days: [0, -1, 0, 0, 0, 0, 0] }]],
		['a week as a date string', [{ week: '2025-08-10', total: 0, days: [0, 0, 0, 0, 0, 0, 0] }]],
		['an object instead of a list', { week, days: [] }]
	])('refuses %s as an invalidResponse', (_, payload) => {
		expect(() => parseStarHistory(payload, 'acme/x star history page 1')).toThrow(expect.objectContaining({ kind: 'invalidResponse' }));
	});
});

describe('computeHistoryDailyStars', () => {
	it('sums the documented week into the count at the end of each day with a star, at 00:00 UTC', () => {
		expect(days(computeHistoryDailyStars(parseStarHistory(documented, 'x')))).toEqual([
			['2025-08-11T00:00:00.000Z', 12],
			['2025-08-12T00:00:00.000Z', 19]
		]);
	});

	it('counts from the oldest week whatever order the weeks come in (GitHub sends newest first)', () => {
		const older = { week: week - 7 * 86_400, days: [2, 0, 0, 0, 0, 0, 0] };
		const newer = { week, days: [0, 0, 0, 0, 0, 0, 5] };
		const expected = [['2025-08-03T00:00:00.000Z', 2], ['2025-08-16T00:00:00.000Z', 7]];
		expect(days(computeHistoryDailyStars([newer, older]))).toEqual(expected);
		expect(days(computeHistoryDailyStars([older, newer]))).toEqual(expected);
	});

	it("dates a week that starts at a local midnight by GitHub's calendar day, east or west of UTC", () => {
		const oneStarMonday = [0, 1, 0, 0, 0, 0, 0];
		// Sunday 2025-08-10 00:00 at UTC-7 is 07:00 UTC; at UTC+2 it is 22:00 UTC on Saturday.
		expect(days(computeHistoryDailyStars([{ week: week + 7 * 3600, days: oneStarMonday }]))).toEqual([['2025-08-11T00:00:00.000Z', 1]]);
		expect(days(computeHistoryDailyStars([{ week: week - 2 * 3600, days: oneStarMonday }]))).toEqual([['2025-08-11T00:00:00.000Z', 1]]);
	});

	it('writes nothing for a history without stars', () => {
		expect(computeHistoryDailyStars([{ week, days: [0, 0, 0, 0, 0, 0, 0] }])).toEqual([]);
	});
});
