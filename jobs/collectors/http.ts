import pRetry, { AbortError } from 'p-retry';
import type { z } from 'zod';
import type { HttpConfig } from '../../src/lib/server/config.js';
import { CollectorError } from './errors.js';
import { describeRefusedRedirect, fetchWithinOrigin, isRedirect, readTextWithin } from './fetch-guard.js';
import { sleepUnlessAborted, toInterruptedError, withRunSignal, type RequestControls } from './interruption.js';

/**
 * JSON over HTTP for the collectors, with the fault handling every source needs: a timeout on every
 * request; bounded retries with exponential backoff and jitter on network errors, timeouts and 5xx;
 * rate limits (429, or 403 with no requests left) waited out when they reset soon, otherwise reported
 * as rateLimited so that the caller stops asking this source for the run; a 404 as notFound; a body
 * that is not the JSON the schema expects, or larger than 8 MB (cut while it streams), as
 * invalidResponse, never half-used; a redirect to another origin as an http error (fetch-guard.ts).
 */

export interface HttpSource extends RequestControls {
	/** Base URL without a trailing slash. */
	baseUrl: string;
	headers: Record<string, string>;
	/** Headers that carry credentials, asked for before each authorised request (a token may expire). */
	authorize?: () => Promise<Record<string, string>>;
	config: HttpConfig;
	now?: () => number;
}

export interface HttpStats {
	requests: number;
	/** The last rate-limit budget the source reported (X-RateLimit-Remaining), if any. */
	rateBudgetLeft: number | undefined;
}

/**
 * How long a rate-limited answer asks us to wait: Retry-After (seconds or an HTTP date), else
 * X-RateLimit-Reset or X-Retry-After (epoch seconds).
 */
export function getRateLimitWaitMs(headers: Headers, nowMs: number): number | undefined {
	const retryAfter = headers.get('retry-after');
	if (retryAfter !== null) {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
		const date = Date.parse(retryAfter);
		if (Number.isFinite(date)) return Math.max(0, date - nowMs);
	}
	// Docker Hub's older documents name X-Retry-After, an epoch time in seconds like X-RateLimit-Reset.
	for (const name of ['x-ratelimit-reset', 'x-retry-after']) {
		const resetS = Number(headers.get(name) ?? Number.NaN);
		if (Number.isFinite(resetS)) return Math.max(0, resetS * 1000 - nowMs);
	}
	return undefined;
}

function isRateLimited(response: Response): boolean {
	return response.status === 429 || (response.status === 403 && response.headers.get('x-ratelimit-remaining') === '0');
}

interface JsonRequest {
	method: 'GET' | 'POST';
	body?: unknown;
	isAuthorized: boolean;
}

export class HttpClient {
	readonly stats: HttpStats = { requests: 0, rateBudgetLeft: undefined };

	constructor(private readonly source: HttpSource) {}

	/** One attempt: the request, its status handling and the body; throws CollectorError. */
	private async attempt(path: string, request: JsonRequest): Promise<unknown> {
		const url = `${this.source.baseUrl}${path}`;
		if (this.source.signal?.aborted) throw toInterruptedError(path);
		const credentials = request.isAuthorized && this.source.authorize ? await this.source.authorize() : {};
		this.stats.requests++;
		let response: Response;
		try {
			response = await fetchWithinOrigin(url, {
				method: request.method,
				headers: {
					accept: 'application/json',
					...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
					...this.source.headers,
					...credentials
				},
				body: request.body === undefined ? undefined : JSON.stringify(request.body),
				signal: withRunSignal(AbortSignal.timeout(this.source.config.timeoutMs), this.source)
			});
		} catch (error) {
			if (this.source.signal?.aborted) throw toInterruptedError(path);
			const name = (error as Error).name;
			if (name === 'TimeoutError' || name === 'AbortError') {
				throw new CollectorError('timeout', `no answer from ${path} within ${this.source.config.timeoutMs} ms`, true);
			}
			throw new CollectorError('network', `${path}: ${(error as Error).message}`, true);
		}
		const remaining = Number(response.headers.get('x-ratelimit-remaining') ?? Number.NaN);
		if (Number.isFinite(remaining)) this.stats.rateBudgetLeft = remaining;
		if (isRateLimited(response)) await this.waitOutRateLimit(path, response);
		if (isRedirect(response)) {
			await response.body?.cancel();
			throw new CollectorError('http', describeRefusedRedirect(path, response.status, response.headers.get('location'), response.url || url));
		}
		if (response.status === 404) {
			await response.body?.cancel();
			throw new CollectorError('notFound', `${path} answered 404`);
		}
		if (!response.ok) {
			await response.body?.cancel();
			throw new CollectorError('http', `${path} answered ${response.status}`, response.status >= 500);
		}
		try {
			return JSON.parse(await readTextWithin(response, path));
		} catch (error) {
			if (error instanceof CollectorError) throw error;
			throw new CollectorError('invalidResponse', `${path}: the answer is not JSON (${(error as Error).message})`);
		}
	}

	/** A short wait is slept off and the attempt retried; a long one ends this source's run. */
	private async waitOutRateLimit(path: string, response: Response): Promise<never> {
		const now = this.source.now?.() ?? Date.now();
		const waitMs = getRateLimitWaitMs(response.headers, now) ?? this.source.config.rateLimitMaxWaitMs + 1;
		await response.body?.cancel();
		if (waitMs > this.source.config.rateLimitMaxWaitMs) {
			throw new CollectorError('rateLimited', `${path}: rate limited for ${Math.ceil(waitMs / 1000)} s, longer than the ${this.source.config.rateLimitMaxWaitMs / 1000} s we wait`);
		}
		await sleepUnlessAborted(this.source, waitMs).catch(() => {
			throw toInterruptedError(path);
		});
		throw new CollectorError('rateLimited', `${path}: still rate limited after waiting ${waitMs} ms`, true);
	}

	/** GETs a path and validates the answer; retries what is worth retrying. */
	getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
		return this.requestJson(path, { method: 'GET', isAuthorized: true }, schema);
	}

	/** POSTs a JSON body without credentials (a login, say) and validates the answer. */
	postJson<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
		return this.requestJson(path, { method: 'POST', body, isAuthorized: false }, schema);
	}

	private async requestJson<T>(path: string, request: JsonRequest, schema: z.ZodType<T>): Promise<T> {
		const body = await pRetry(
			async () => {
				try {
					return await this.attempt(path, request);
				} catch (error) {
					if (error instanceof CollectorError && !error.isRetryable) throw new AbortError(error);
					throw error;
				}
			},
			{
				retries: this.source.config.maxRetries,
				factor: 2,
				minTimeout: this.source.config.retryBaseMs,
				maxTimeout: this.source.config.retryBaseMs * 30,
				randomize: true,
				// No further attempt, and no wait for one, once the run is aborted.
				signal: this.source.signal
			}
		).catch((error: unknown) => {
			// p-retry unwraps AbortError to the error it carries.
			if (error instanceof CollectorError) throw error;
			if (this.source.signal?.aborted) throw toInterruptedError(path);
			throw new CollectorError('network', String(error));
		});
		const parsed = schema.safeParse(body);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			throw new CollectorError('invalidResponse', `${path}: unexpected answer (${issue?.path.join('.') || 'body'}: ${issue?.message})`);
		}
		return parsed.data;
	}
}
