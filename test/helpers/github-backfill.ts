import { readFixture, type HarnessSetup } from './collector-harness.js';
import type { ReplayAnswer } from './replay-server.js';

/**
 * What the GitHub history backfill tests share: the harness settings, the paths the backfill asks,
 * and a real recorded page of stargazers.
 */

export const githubBackfillSetup: HarnessSetup = {
	source: 'github',
	startAt: '2026-11-28T10:05:00Z',
	env: { HTTP_TIMEOUT_MS: '5000', HTTP_MAX_RETRIES: '1' }
};

export const starsPath = (key: string, page: number) => `/repos/${key}/stargazers?per_page=100&page=${page}`;
export const releasesPath = (key: string, page: number) => `/repos/${key}/releases?per_page=100&page=${page}`;
export const historyPath = (key: string, page = 1) => `/repos/${key}/stargazers/history?per_page=30&page=${page}`;

export const readBackfillFixture = (name: string) => readFixture(`github/backfill/${name}`);
const recorded = readBackfillFixture('pygithub-Repository.testGetStargazersWithDates.json').exchanges[0];
/** A real last page: six stars of danvk/comparea (2014-2015), two of them on 2015-04-29; no link header. */
export const realStarsPage: ReplayAnswer = { body: recorded.body, headers: { 'x-ratelimit-remaining': recorded.headers['x-ratelimit-remaining'] } };
