import { CollectorError } from '../errors.js';
import { isGraphqlRateLimited } from './parse.js';

/**
 * Octokit's errors as CollectorErrors. Octokit throws a RequestError (status, response) for an HTTP
 * answer it does not like, a RequestError with status 500 and no response for a failed fetch, and
 * the throttling plugin a plain Error carrying the response for a rate-limited GraphQL answer.
 * Duck-typed rather than imported: @octokit/request-error is not one of our direct dependencies.
 */

interface OctokitFailure {
	name?: string;
	message: string;
	status?: number;
	cause?: unknown;
	response?: { status?: number; headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isOctokitFailure(error: unknown): error is OctokitFailure {
	return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

function isAbort(value: unknown): boolean {
	const name = (value as { name?: unknown } | null)?.name;
	return name === 'TimeoutError' || name === 'AbortError';
}

function getHeader(failure: OctokitFailure, name: string): string | undefined {
	const value = failure.response?.headers?.[name];
	return value === undefined ? undefined : String(value);
}

/**
 * A rate limit, primary or secondary: 429; 403 with no requests left, a Retry-After or a message
 * that says so (the secondary limit's wording has changed over the years: "abuse detection
 * mechanism", then "secondary rate limit"); or a GraphQL answer with a RATE_LIMITED error.
 * https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#rate-limit-errors
 */
export function isRateLimitFailure(failure: OctokitFailure): boolean {
	const data = failure.response?.data as { errors?: { type?: unknown }[] } | undefined;
	if (Array.isArray(data?.errors) && isGraphqlRateLimited(data.errors)) return true;
	const status = failure.response?.status ?? failure.status;
	if (status === 429) return true;
	if (status !== 403) return false;
	return getHeader(failure, 'x-ratelimit-remaining') === '0' || getHeader(failure, 'retry-after') !== undefined || /rate limit|abuse/i.test(failure.message);
}

function describeReset(failure: OctokitFailure): string {
	const reset = Number(getHeader(failure, 'x-ratelimit-reset'));
	if (Number.isFinite(reset) && reset > 0) return ` until ${new Date(reset * 1000).toISOString()}`;
	const retryAfter = getHeader(failure, 'retry-after');
	return retryAfter ? ` for ${retryAfter} s` : '';
}

// GitHub's messages append the documentation URL; a short reason is enough on a run record.
function shorten(message: string): string {
	const text = message.replace(/\s+/g, ' ').trim();
	return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function mapFailure(failure: OctokitFailure, what: string, timeoutMs: number): CollectorError {
	if (isAbort(failure) || isAbort(failure.cause)) return new CollectorError('timeout', `${what}: no answer from GitHub within ${timeoutMs} ms`, true);
	if (!failure.response) {
		// A failed fetch: Octokit puts the network reason (ECONNREFUSED, ...) in the message.
		if (typeof failure.status === 'number') return new CollectorError('network', `${what}: ${shorten(failure.message)}`, true);
		return new CollectorError('http', `${what}: ${shorten(failure.message)}`);
	}
	if (isRateLimitFailure(failure)) return new CollectorError('rateLimited', `${what}: GitHub rate limit reached${describeReset(failure)}`);
	const status = failure.response.status ?? failure.status ?? 0;
	if (status === 404) return new CollectorError('notFound', `${what}: GitHub answered 404 (${shorten(failure.message)})`);
	return new CollectorError('http', `${what}: GitHub answered ${status} (${shorten(failure.message)})`, status >= 500);
}

/**
 * Any error of a GitHub call as a CollectorError. The token is cut out of the message whatever
 * happens: a message is stored on the run record and the target and shown on the dashboard.
 */
export function toGithubError(error: unknown, what: string, options: { timeoutMs: number; token: string | undefined }): CollectorError {
	// Octokit wraps what our fetch threw (a body past the size limit) in a RequestError; its cause says why.
	const cause = (error as { cause?: unknown } | null)?.cause;
	const mapped =
		error instanceof CollectorError
			? error
			: cause instanceof CollectorError
				? cause
				: isOctokitFailure(error)
					? mapFailure(error, what, options.timeoutMs)
					: new CollectorError('http', `${what}: ${String(error)}`);
	if (!options.token || !mapped.message.includes(options.token)) return mapped;
	return new CollectorError(mapped.kind, mapped.message.split(options.token).join('[token]'), mapped.isRetryable);
}

/** Octokit throws on 304 Not Modified; for a conditional request it is the answer "unchanged". */
export function isNotModified(error: unknown): boolean {
	return isOctokitFailure(error) && error.status === 304;
}
