import { CollectorError } from './errors.js';

/**
 * What every collector request goes through, Docker Hub's (http.ts) and GitHub's (github/client.ts):
 * - No redirect leaves the source's origin. Requests carry credentials (a bearer token, or a secret in
 *   the token exchange's body) that must reach no other host, so redirects are followed by hand, and
 *   only within the origin of the first URL and only for GET and HEAD (a POST's body is never sent
 *   again); any other redirect comes back as it is, for the caller to refuse as an error.
 * - A body is read at most up to a size limit while it streams, so that an answer without a
 *   content-length (chunked) is cut when it passes the limit instead of being buffered first.
 */

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 5;

/** Larger answers are not what these endpoints return; refuse them rather than buffer without bound. */
export const maxBodyBytes = 8 * 1024 * 1024;

export function isRedirect(response: Response): boolean {
	return redirectStatuses.has(response.status);
}

/** fetch, following a redirect only within the first URL's origin (GET and HEAD); see above. */
export async function fetchWithinOrigin(url: string, init: RequestInit = {}, fetchImpl: typeof fetch = fetch): Promise<Response> {
	const origin = new URL(url).origin;
	const method = (init.method ?? 'GET').toUpperCase();
	let current = url;
	for (let hop = 0; ; hop++) {
		const response = await fetchImpl(current, { ...init, redirect: 'manual' });
		const location = response.headers.get('location');
		if (!isRedirect(response) || location === null || hop === maxRedirects) return response;
		const next = new URL(location, current);
		if (next.origin !== origin || (method !== 'GET' && method !== 'HEAD')) return response;
		await response.body?.cancel();
		current = next.toString();
	}
}

/**
 * Why a redirect answer is refused, for the run record: the origin it led to (`location` read against
 * the URL that answered), never the credentials.
 */
export function describeRefusedRedirect(what: string, status: number, location: string | null | undefined, answeredUrl: string): string {
	let destination = 'nowhere given';
	if (location) {
		try {
			destination = new URL(location, answeredUrl).origin;
		} catch {
			destination = 'an invalid location';
		}
	}
	return `${what} answered ${status}, a redirect to ${destination}; not followed: collectors follow redirects only within their source's origin and only for reads, as their requests carry credentials`;
}

/** The body as text, cut with an invalidResponse error as soon as it passes `limitBytes`. */
export async function readTextWithin(response: Response, what: string, limitBytes = maxBodyBytes): Promise<string> {
	const declared = Number(response.headers.get('content-length') ?? 0);
	const tooLarge = () => new CollectorError('invalidResponse', `${what}: answer larger than ${limitBytes} bytes`);
	if (declared > limitBytes) {
		await response.body?.cancel();
		throw tooLarge();
	}
	if (!response.body) return '';
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let text = '';
	let bytes = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) return text + decoder.decode();
		bytes += value.byteLength;
		if (bytes > limitBytes) {
			await reader.cancel();
			throw tooLarge();
		}
		text += decoder.decode(value, { stream: true });
	}
}
