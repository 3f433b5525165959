import type { Limits } from '../config-limits.js';

/**
 * Request body limits per route: imports take up to IMPORT_MAX_BYTES, everything else (JSON APIs,
 * forms, sign-in) BODY_MAX_BYTES. Enforced in the server hook, before any handler reads: a declared
 * content-length past the limit is refused without reading a byte; any other body (chunked ones
 * included) is counted while it streams and cut where it passes the limit, so that no handler ever
 * holds more than the limit in memory. adapter-node's own BODY_SIZE_LIMIT stays an outer bound.
 */

/** Thrown into a handler's body read where the body passed its route's limit. */
export class BodyTooLargeError extends Error {
	constructor(readonly limitBytes: number) {
		super(`the request body is larger than this endpoint takes (at most ${formatBytes(limitBytes)})`);
		this.name = 'BodyTooLargeError';
	}
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MB`;
	if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
	return `${bytes} bytes`;
}

export const importPath = '/api/import';

/** A route's limit; never above adapter-node's, which would cut the body first with a vaguer answer. */
export function getBodyLimitBytes(path: string, limits: Pick<Limits, 'adapterBodyMaxBytes' | 'bodyMaxBytes' | 'importMaxBytes'>): number {
	return Math.min(path === importPath ? limits.importMaxBytes : limits.bodyMaxBytes, limits.adapterBodyMaxBytes);
}

// adapter-node's own limit (BODY_SIZE_LIMIT) errors the body with a status of 413.
const isPayloadTooLarge = (error: unknown) => (error as { status?: unknown } | null)?.status === 413;

export type LimitedRequest =
	| { ok: false; error: BodyTooLargeError }
	| { ok: true; request: Request; isExceeded: () => boolean };

/** The request with its body counted against `limitBytes`, or a refusal when its declared length is past it. */
export function limitRequestBody(request: Request, limitBytes: number): LimitedRequest {
	const declared = request.headers.get('content-length');
	if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limitBytes) {
		return { ok: false, error: new BodyTooLargeError(limitBytes) };
	}
	if (request.body === null) return { ok: true, request, isExceeded: () => false };
	let isExceeded = false;
	let size = 0;
	const reader = request.body.getReader();
	const body = new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				let chunk: ReadableStreamReadResult<Uint8Array>;
				try {
					chunk = await reader.read();
				} catch (error) {
					isExceeded ||= isPayloadTooLarge(error);
					controller.error(isExceeded ? new BodyTooLargeError(limitBytes) : error);
					return;
				}
				if (chunk.done) return controller.close();
				size += chunk.value.byteLength;
				if (size > limitBytes) {
					// Not cancelled: that would destroy the socket before the 413 could be sent. The rest is
					// left unread and the answer closes the connection.
					isExceeded = true;
					reader.releaseLock();
					controller.error(new BodyTooLargeError(limitBytes));
					return;
				}
				controller.enqueue(chunk.value);
			},
			cancel(reason) {
				return reader.cancel(reason);
			}
		},
		{ highWaterMark: 0 }
	);
	const limited = new Request(request.url, {
		method: request.method,
		headers: request.headers,
		body,
		signal: request.signal,
		// @ts-expect-error Node's fetch needs `duplex` for a stream body; the DOM types do not know it.
		duplex: 'half'
	});
	return { ok: true, request: limited, isExceeded: () => isExceeded };
}

/** Whether an error is, or was caused by, a body past its limit. */
export function isBodyTooLarge(error: unknown): boolean {
	for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
		if (e instanceof BodyTooLargeError) return true;
	}
	return false;
}
