/**
 * What a form action answered, as the enhanced form receives it. hooks.server.ts refuses an
 * unauthorised write before any action runs and answers with the JSON API's error shape
 * ({error, message}) rather than an action result, so anything without a known `type` is a refusal.
 */
export function describeRefusal(result: unknown): string | undefined {
	const answer = (result ?? {}) as { type?: unknown; error?: unknown; message?: unknown; status?: unknown };
	if (answer.type === 'success' || answer.type === 'failure' || answer.type === 'redirect') return undefined;
	if (answer.type === 'error') {
		const error = answer.error as { message?: unknown } | undefined;
		const detail = typeof error?.message === 'string' ? error.message : 'the server could not complete the request';
		return `Something went wrong: ${detail}.`;
	}
	const detail = typeof answer.message === 'string' ? answer.message : 'this change needs you to sign in';
	return `Not allowed: ${detail}.`;
}
