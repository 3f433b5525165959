import { randomUUID } from 'node:crypto';
import { jsonError } from './errors.js';
import { log } from '../telemetry/log.js';

/**
 * What the server does with an error it did not expect: one id per request (the caller's
 * `x-request-id` when it is a plain token, else a new UUID), the error logged under that id, and on
 * /api/ the documented JSON body instead of SvelteKit's HTML error page:
 * `{ "error": "internal", "message": "...", "requestId": "..." }` with status 500. The caller sees the id,
 * never the error itself (a database error may quote the statement and its values).
 */

// Letters, digits and . _ : - only, so that a caller's id cannot forge lines in the log.
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id when it is well-formed, else a new one. */
export function readRequestId(header: string | null): string {
	return header !== null && requestIdPattern.test(header) ? header : randomUUID();
}

/** Logs an unexpected error with its request; what handleError answers for pages and the API alike. */
export function logUnexpectedError(error: unknown, request: { requestId: string; method: string; path: string }): App.Error {
	const summary = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
	log.error(
		{ err: error, requestId: request.requestId, method: request.method, path: request.path },
		`request ${request.requestId} failed: ${request.method} ${request.path}: ${summary}`
	);
	return { message: 'Internal error: the server log has the details under this request id.', requestId: request.requestId };
}

const apiErrorNames: Record<number, string> = {
	404: 'not_found',
	405: 'method_not_allowed',
	413: 'payload_too_large'
};

/**
 * The documented JSON error for an answer SvelteKit made itself on an /api/ path (an HTML or text
 * error page, or its `{ message }` JSON): an unexpected error, an unknown path, a method the endpoint
 * does not have, a body past the size limit.
 */
export function answerApiFailure(status: number, request: { requestId: string; method: string; path: string; allow: string | null }): Response {
	if (status >= 500) {
		return jsonError(500, 'internal', 'internal error: the server log has the details under this request id', { requestId: request.requestId });
	}
	const error = apiErrorNames[status] ?? 'bad_request';
	const message =
		status === 404
			? `no endpoint at ${request.path}`
			: status === 405
				? `${request.method} is not allowed on ${request.path}${request.allow ? ` (allowed: ${request.allow})` : ''}`
				: status === 413
					? 'the request body is larger than this endpoint takes'
					: `the request is malformed or was refused (HTTP ${status})`;
	const response = jsonError(status, error, message);
	if (request.allow) response.headers.set('allow', request.allow);
	return response;
}

/** PostgreSQL's query_canceled, what a statement past statement_timeout fails with; drizzle wraps it as a cause. */
export function isQueryTimeout(error: unknown): boolean {
	for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
		if ((e as { code?: unknown }).code === '57014') return true;
	}
	return false;
}

/** A request whose statement PostgreSQL cancelled at STATEMENT_TIMEOUT_MS: the server is busy, not broken. */
export function answerQueryTimeout(): Response {
	const response = jsonError(503, 'query_timeout', 'the database took too long to answer (STATEMENT_TIMEOUT_MS); try again, or narrow the request');
	response.headers.set('retry-after', '5');
	return response;
}

/** The response with the request id on it; a response with immutable headers is copied first. */
export function withRequestId(response: Response, requestId: string): Response {
	try {
		response.headers.set('x-request-id', requestId);
		return response;
	} catch {
		// A fetch() answer passed through has immutable headers: copy it (the body stream is not read).
		const copy = new Response(response.body, response);
		copy.headers.set('x-request-id', requestId);
		return copy;
	}
}

/**
 * A form post naming the action `default` (`?/default`): SvelteKit reserves the name and throws a plain
 * error on it, which would answer 500; it is a request for an action that does not exist.
 */
export function isReservedActionRequest(method: string, url: URL): boolean {
	if (method !== 'POST') return false;
	const name = [...url.searchParams.keys()].find((key) => key.startsWith('/'));
	return name === '/default';
}
