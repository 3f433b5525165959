import { describe, expect, it } from 'vitest';
import { parsePublishedReleases, parseStargazerDates } from '../../jobs/collectors/github/backfill/parse.js';
import { computeDailyStars } from '../../jobs/collectors/github/backfill/stars.js';
import { hasBudget } from '../../jobs/collectors/budget.js';
import { isBackfillDone, isBackfillSettled, readBackfillState, reopenStarsIfDue } from '../../jobs/collectors/github/backfill/state.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('daily stars from one stargazers page', () => {
	it('counts from the page number alone: page 3 starts at star 201', () => {
		expect(computeDailyStars(3, ['2020-01-01T10:00:00Z', '2020-01-01T11:00:00Z', '2020-01-03T00:00:00Z'])).toEqual([
			{ ts: day('2020-01-01'), value: 202 },
			{ ts: day('2020-01-03'), value: 203 }
		]);
	});

	it('puts each star on its UTC day, whatever offset GitHub writes it with', () => {
		// 23:30 at -02:00 is 01:30 UTC the next day.
		expect(computeDailyStars(1, ['2020-01-31T23:30:00-02:00', '2020-02-01T22:00:00Z'])).toEqual([{ ts: day('2020-02-01'), value: 2 }]);
	});

	it('writes nothing for an empty page', () => {
		expect(computeDailyStars(1, [])).toEqual([]);
	});
});

describe('backfill budget and progress', () => {
	it('stops at maxRequests, and at its share of the budget once GitHub has told it', () => {
		expect(hasBudget({ requests: 0, rateBudgetLeft: undefined }, 5, 0.2)).toBe(true);
		expect(hasBudget({ requests: 5, rateBudgetLeft: undefined }, 5, 0.2)).toBe(false);
		// 20% of the 11 the run started with (1 made + 10 left): 2.
		expect(hasBudget({ requests: 1, rateBudgetLeft: 10 }, 100, 0.2)).toBe(true);
		expect(hasBudget({ requests: 2, rateBudgetLeft: 10 }, 100, 0.2)).toBe(false);
		expect(hasBudget({ requests: 1, rateBudgetLeft: 0 }, 100, 1)).toBe(false);
	});

	it('reads saved progress leniently: missing or malformed parts start over at page 1', () => {
		expect(readBackfillState({})).toEqual({ starsNextPage: 1, releasesNextPage: 1, isStarsDone: false, isReleasesDone: false });
		expect(readBackfillState({ backfill: { starsNextPage: 7, releasesNextPage: 'x', isStarsDone: false, isReleasesDone: true } })).toEqual({
			starsNextPage: 7,
			releasesNextPage: 1,
			isStarsDone: false,
			isReleasesDone: true
		});
		expect(isBackfillDone(readBackfillState({ backfill: { starsNextPage: 3, releasesNextPage: 2, isStarsDone: true, isReleasesDone: true } }))).toBe(true);
		expect(readBackfillState({ backfill: { starsNextPage: 2, starsUnavailable: { reason: '' } } }).starsUnavailable).toBeUndefined();
	});

	const refused = readBackfillState({
		backfill: {
			starsSource: 'stargazers', starsNextPage: 1, releasesNextPage: 2, isStarsDone: false, isReleasesDone: true,
			starsUnavailable: { reason: 'unavailable: stargazers listing needs collaborator access', since: '2026-11-28T10:05:00Z', retryAt: '2026-12-05T10:05:00Z' }
		}
	});

	it('settles refused stars until their retry time, then starts them over from the star history', () => {
		expect(isBackfillSettled(refused, new Date('2026-12-05T10:04:59Z'))).toBe(true);
		expect(reopenStarsIfDue(refused, new Date('2026-12-05T10:04:59Z'))).toBe(refused);
		expect(isBackfillSettled(refused, new Date('2026-12-05T10:05:00Z'))).toBe(false);
		expect(reopenStarsIfDue(refused, new Date('2026-12-05T10:05:00Z'))).toEqual({ starsNextPage: 1, releasesNextPage: 2, isStarsDone: false, isReleasesDone: true });
		// Releases still to read: not settled, whatever the stars.
		expect(isBackfillSettled({ ...refused, isReleasesDone: false }, new Date('2026-11-29T00:00:00Z'))).toBe(false);
	});
});

describe('backfill payloads', () => {
	it('leaves drafts out of the releases', () => {
		const releases = parsePublishedReleases(
			[
				{ tag_name: 'v2.0.0-rc.1', published_at: null, html_url: 'https://github.com/o/r/releases/tag/v2.0.0-rc.1', draft: true },
				{ tag_name: 'v1.0.0', published_at: '2013-02-27T19:35:32Z', html_url: 'https://github.com/o/r/releases/v1.0.0', draft: false }
			],
			'o/r releases page 1'
		);
		expect(releases).toEqual([{ tag: 'v1.0.0', publishedAt: new Date('2013-02-27T19:35:32Z'), url: 'https://github.com/o/r/releases/v1.0.0' }]);
	});

	it('keeps only http(s) release links: a javascript: or data: URL leaves the release unlinked', () => {
		const release = (tag: string, htmlUrl: unknown) => ({ tag_name: tag, published_at: '2013-02-27T19:35:32Z', html_url: htmlUrl });
		const releases = parsePublishedReleases(
			[
				release('a', 'javascript:alert(document.cookie)'),
				release('b', ' JavaScript:alert(1)'),
				release('c', 'data:text/html,<script>alert(1)</script>'),
				release('d', 'not a url'),
				release('e', null),
				release('f', 'http://example.com/r/f')
			],
			'o/r releases page 1'
		);
		expect(releases.map((r) => [r.tag, r.url])).toEqual([
			['a', null],
			['b', null],
			['c', null],
			['d', null],
			['e', null],
			['f', 'http://example.com/r/f']
		]);
	});

	it('refuses stargazers without starred_at (an answer without the star media type)', () => {
		expect(() => parseStargazerDates([{ login: 'octocat' }], 'o/r stargazers page 1')).toThrow(/o\/r stargazers page 1: unexpected answer \(0.starred_at/);
	});
});
