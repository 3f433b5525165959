import { createHash } from 'node:crypto';
import type { Db } from '../db/client.js';
import { readDataVersion } from '../db/queries/data-version.js';
import { getAnswerCache } from './answer-cache.js';

/**
 * A JSON answer that depends only on the stored data and the request's query: served from the answer
 * cache when the data has not changed since it was computed, and with an ETag that a browser sends
 * back (If-None-Match) to get a 304 without the body. Computing is skipped on both.
 */

export interface CachedAnswerOptions {
	/** Names the endpoint in the key: two endpoints never share an entry. */
	endpoint: string;
	/** The request's query string as sent: the order of its parameters can matter (series order). */
	query: string;
	/** SERIES_CACHE_MAX_BYTES; 0 keeps nothing, but ETags still save clients the body. */
	maxBytes: number;
}

/** What computing gives: the body to answer and cache, or a response (an error) answered as it is, uncached. */
export type Computed = { body: unknown } | { response: Response };

function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
	if (!ifNoneMatch) return false;
	return ifNoneMatch.split(',').some((tag) => {
		const candidate = tag.trim().replace(/^W\//, '');
		return candidate === etag || candidate === '*';
	});
}

export async function respondCached(request: Request, db: Db, options: CachedAnswerOptions, compute: () => Promise<Computed>): Promise<Response> {
	const version = await readDataVersion(db);
	const key = `${options.endpoint}\n${options.query}\n${version}`;
	const etag = `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
	// no-cache: a browser may keep the answer, but asks again each time (with If-None-Match).
	const headers = { etag, 'cache-control': 'no-cache' };
	if (matchesEtag(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
	const cache = options.maxBytes > 0 ? getAnswerCache(db, options.maxBytes) : undefined;
	let body = cache?.get(key);
	const state = body === undefined ? 'miss' : 'hit';
	if (body === undefined) {
		const computed = await compute();
		if ('response' in computed) return computed.response;
		body = JSON.stringify(computed.body);
		cache?.set(key, body);
	}
	return new Response(body, { headers: { ...headers, 'content-type': 'application/json', 'x-dockpulse-cache': state } });
}
