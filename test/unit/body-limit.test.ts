import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, getBodyLimitBytes, isBodyTooLarge, limitRequestBody } from '../../src/lib/server/http/body-limit.js';

const limits = { adapterBodyMaxBytes: Infinity, bodyMaxBytes: 64 * 1024, importMaxBytes: 64 * 1024 ** 2 };

function streamOf(pieces: number, size: number): ReadableStream<Uint8Array> {
	let sent = 0;
	return new ReadableStream({
		pull(controller) {
			if (sent++ === pieces) return controller.close();
			controller.enqueue(new Uint8Array(size).fill(97));
		}
	});
}

const post = (body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) =>
	new Request('http://127.0.0.1/api/alerts', { method: 'POST', body, headers: { 'content-type': 'text/plain', ...headers }, duplex: 'half' } as RequestInit);

describe('request body limits', () => {
	it('takes large bodies on imports only, and never more than adapter-node lets through', () => {
		expect(getBodyLimitBytes('/api/import', limits)).toBe(64 * 1024 ** 2);
		expect(getBodyLimitBytes('/api/alerts', limits)).toBe(64 * 1024);
		expect(getBodyLimitBytes('/signin', limits)).toBe(64 * 1024);
		expect(getBodyLimitBytes('/api/import', { ...limits, adapterBodyMaxBytes: 512 * 1024 })).toBe(512 * 1024);
	});

	it('refuses a declared content-length past the limit before reading', () => {
		const limited = limitRequestBody(post('x'.repeat(100), { 'content-length': '100' }), 99);
		expect(limited).toMatchObject({ ok: false, error: { limitBytes: 99 } });
	});

	it('cuts a chunked body where it passes the limit, and reads one within it whole', async () => {
		const past = limitRequestBody(post(streamOf(10, 1000)), 9_999);
		if (!past.ok) throw new Error('refused up front');
		const error = await past.request.text().catch((e: unknown) => e);
		expect(isBodyTooLarge(error)).toBe(true);
		expect(error).toBeInstanceOf(BodyTooLargeError);
		expect(past.isExceeded()).toBe(true);

		const within = limitRequestBody(post(streamOf(10, 1000)), 10_000);
		if (!within.ok) throw new Error('refused up front');
		expect(await within.request.text()).toHaveLength(10_000);
		expect(within.isExceeded()).toBe(false);
	});
});
