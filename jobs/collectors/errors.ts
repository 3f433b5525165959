import type { FailureKind } from '../../src/lib/types/health.js';

export type { FailureKind };

export class CollectorError extends Error {
	constructor(
		readonly kind: FailureKind,
		message: string,
		/** Worth another attempt in this run: a network error, a timeout, a 5xx, a rate limit just waited out. */
		readonly isRetryable = false
	) {
		super(message);
		this.name = 'CollectorError';
	}
}

/** Any thrown value as a CollectorError; an unexpected one (a bug, a database error) keeps its message. */
export function toCollectorError(error: unknown): CollectorError {
	if (error instanceof CollectorError) return error;
	return new CollectorError('http', error instanceof Error ? error.message : String(error));
}
