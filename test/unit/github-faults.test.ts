import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../jobs/collectors/errors.js';
import { isNotModified, toGithubError } from '../../jobs/collectors/github/faults.js';

const token = 'ghp_0123456789abcdefghijklmnopqrstuvwxyz';
const options = { timeoutMs: 500, token };
const abuse = JSON.parse(readFileSync('test/fixtures/github/perceval-abuse_rate_limit.json', 'utf8'));

/** The shape Octokit's RequestError has for an HTTP answer. */
function answered(status: number, message: string, headers: Record<string, string> = {}, data: unknown = { message }) {
	return Object.assign(new Error(message), { name: 'HttpError', status, response: { status, headers, data } });
}

describe('GitHub failures as collector errors', () => {
	it('maps statuses to kinds', () => {
		expect(toGithubError(answered(404, 'Not Found'), 'a/b', options)).toMatchObject({ kind: 'notFound' });
		expect(toGithubError(answered(502, 'Bad Gateway'), 'a/b', options)).toMatchObject({ kind: 'http', isRetryable: true });
		expect(toGithubError(answered(422, 'Validation Failed'), 'a/b', options)).toMatchObject({ kind: 'http', isRetryable: false });
		expect(toGithubError(answered(403, 'The history or contributor list is too large'), 'a/b', options)).toMatchObject({ kind: 'http' });
	});

	it('recognises every form of rate limit', () => {
		const reset = String(Math.floor(Date.UTC(2026, 0, 1) / 1000));
		const primary = toGithubError(answered(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), 'a/b', options);
		expect(primary).toMatchObject({ kind: 'rateLimited', message: 'a/b: GitHub rate limit reached until 2026-01-01T00:00:00.000Z' });
		expect(toGithubError(answered(403, abuse.message, {}, abuse), 'a/b', options)).toMatchObject({ kind: 'rateLimited' });
		expect(toGithubError(answered(403, 'You have exceeded a secondary rate limit.', { 'retry-after': '60' }), 'a/b', options)).toMatchObject({ kind: 'rateLimited', message: expect.stringContaining('for 60 s') });
		expect(toGithubError(answered(429, 'Too Many Requests'), 'a/b', options)).toMatchObject({ kind: 'rateLimited' });
		// plugin-throttling's error for an HTTP 200 GraphQL answer with a RATE_LIMITED error.
		const graphql = Object.assign(new Error('GraphQL Rate Limit Exceeded'), { response: { status: 200, headers: {}, data: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] } } });
		expect(toGithubError(graphql, 'batch', options)).toMatchObject({ kind: 'rateLimited' });
	});

	it('tells a timeout from a network failure', () => {
		const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { status: 500, cause: new DOMException('timed out', 'TimeoutError') });
		expect(toGithubError(timeout, 'a/b', options)).toMatchObject({ kind: 'timeout', message: 'a/b: no answer from GitHub within 500 ms' });
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { status: 500, cause: new TypeError('fetch failed') });
		expect(toGithubError(refused, 'a/b', options)).toMatchObject({ kind: 'network', isRetryable: true });
	});

	it('keeps a CollectorError as it is and cuts the token out of any message', () => {
		const own = new CollectorError('invalidResponse', 'bad');
		expect(toGithubError(own, 'a/b', options)).toBe(own);
		const echoed = toGithubError(answered(401, `Bad credentials for token ${token}`), 'a/b', options);
		expect(echoed.message).not.toContain(token);
		expect(echoed.message).toContain('[token]');
		expect(toGithubError(new CollectorError('http', `oops ${token}`), 'a/b', options).message).not.toContain(token);
	});

	it('recognises 304 Not Modified', () => {
		expect(isNotModified(Object.assign(new Error('Not modified'), { status: 304 }))).toBe(true);
		expect(isNotModified(answered(404, 'Not Found'))).toBe(false);
	});
});
