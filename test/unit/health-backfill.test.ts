import { describe, expect, it } from 'vitest';
import { decideBackfillStatus, parseBackfillProgress } from '../../jobs/health/backfill.js';
import { countFailuresByKind } from '../../jobs/health/summary.js';
import type { RunView } from '../../src/lib/types/health.js';
import { formatDuration, formatInterval } from '../../src/routes/health/schedule-text.js';

const run = (failures: RunView['failures']): RunView => ({
	id: 1,
	startedAt: '2026-11-28T10:00:00.000Z',
	finishedAt: '2026-11-28T10:00:02.000Z',
	status: 'partial',
	targetsDone: 1,
	targetsFailed: failures.length,
	failures,
	requestsMade: 3,
	rateBudgetLeft: 40
});

describe('backfill progress read from a target\'s metadata', () => {
	it('counts the pages read so far and says which parts are done', () => {
		const progress = parseBackfillProgress({
			backfill: { starsNextPage: 13, releasesNextPage: 3, isStarsDone: false, isReleasesDone: true, updatedAt: '2026-11-28T09:30:00.000Z' },
			contributorHistory: { nextPage: 8, isDone: true, firstMonths: { 'login:a': '2015-01', 'email:b@x.org': '2016-03' } }
		});
		expect(progress).toEqual({
			stars: { pagesDone: 12, isDone: false },
			starsUnavailable: null,
			releases: { pagesDone: 2, isDone: true },
			contributors: { pagesDone: 7, isDone: true, identities: 2 },
			lastProgressAt: '2026-11-28T09:30:00.000Z'
		});
	});

	it('shows a part that never started, or whose saved state is malformed, as not started', () => {
		expect(parseBackfillProgress({ latestRelease: 'v1' })).toEqual({ stars: null, starsUnavailable: null, releases: null, contributors: null, lastProgressAt: null });
		expect(parseBackfillProgress({ backfill: { starsNextPage: 'two' }, contributorHistory: { nextPage: 2, isDone: false } })).toEqual({
			stars: null,
			starsUnavailable: null,
			releases: null,
			contributors: { pagesDone: 1, isDone: false, identities: 0 },
			lastProgressAt: null
		});
		expect(parseBackfillProgress(null).stars).toBeNull();
	});

	const refused = {
		backfill: {
			starsSource: 'stargazers', starsNextPage: 1, releasesNextPage: 2, isStarsDone: false, isReleasesDone: true,
			starsUnavailable: { reason: 'unavailable: stargazers listing needs collaborator access', since: '2026-11-28T10:05:00Z', retryAt: '2026-12-05T10:05:00Z' }
		},
		contributorHistory: { nextPage: 3, isDone: true, firstMonths: {} }
	};

	it('gives the reason and the retry time of stars GitHub refuses', () => {
		expect(parseBackfillProgress(refused).starsUnavailable).toEqual({
			reason: 'unavailable: stargazers listing needs collaborator access',
			retryAt: '2026-12-05T10:05:00.000Z'
		});
	});

	it('says done, running or unavailable for the backfill as a whole', () => {
		const done = { backfill: { starsNextPage: 3, releasesNextPage: 2, isStarsDone: true, isReleasesDone: true }, contributorHistory: { nextPage: 3, isDone: true } };
		expect(decideBackfillStatus(parseBackfillProgress(done))).toBe('done');
		expect(decideBackfillStatus(parseBackfillProgress(refused))).toBe('unavailable');
		// Refused stars, but the contributor history still has pages to read: running.
		const contributorsLeft = { ...refused, contributorHistory: { nextPage: 3, isDone: false } };
		expect(decideBackfillStatus(parseBackfillProgress(contributorsLeft))).toBe('running');
		expect(decideBackfillStatus(parseBackfillProgress({ backfill: { ...done.backfill, isStarsDone: false } }))).toBe('running');
		expect(decideBackfillStatus(parseBackfillProgress({}))).toBe('not started');
	});
});

describe('failures of recent runs', () => {
	it('are counted by kind, most frequent first, with the targets that failed', () => {
		const counts = countFailuresByKind([
			run([
				{ target: 'a/a', kind: 'timeout', message: 'after 15000 ms' },
				{ target: 'b/b', kind: 'notFound', message: '404' }
			]),
			run([{ target: 'a/a', kind: 'timeout', message: 'after 15000 ms' }]),
			run([])
		]);
		expect(counts).toEqual([
			{ kind: 'timeout', count: 2, targets: ['a/a'] },
			{ kind: 'notFound', count: 1, targets: ['b/b'] }
		]);
		expect(countFailuresByKind([])).toEqual([]);
	});
});

describe('schedules and durations in words', () => {
	it('reads intervals', () => {
		expect(formatInterval(3_600_000)).toBe('every hour');
		expect(formatInterval(86_400_000)).toBe('every day');
		expect(formatInterval(6 * 3_600_000)).toBe('every 6 h');
		expect(formatInterval(15 * 60_000)).toBe('every 15 min');
		expect(formatInterval(7 * 86_400_000)).toBe('every 7 days');
	});

	it('reads run lengths', () => {
		expect(formatDuration('2026-11-28T10:00:00Z', '2026-11-28T10:00:00.850Z')).toBe('850 ms');
		expect(formatDuration('2026-11-28T10:00:00Z', '2026-11-28T10:00:12Z')).toBe('12 s');
		expect(formatDuration('2026-11-28T10:00:00Z', '2026-11-28T10:03:05Z')).toBe('3 min 5 s');
		expect(formatDuration('2026-11-28T10:00:00Z', null)).toBe('running');
	});
});
