import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db/client.js';
import { seedSeries } from './samples.js';

/** Helpers for the resource-limit tests: large series, stalled downloads, bodies past a limit, waiting. */

/** github:<key>:stars with `rows` daily samples from 1990 on, written by one statement. */
export async function seedLargeSeries(db: Db, key: string, rows: number): Promise<number> {
	const seriesId = await seedSeries(db, key, 'stars', []);
	await db.execute(sql`insert into samples (series_id, ts, value, provenance)
		select ${seriesId}::int, timestamptz '1990-01-01 00:00:00+00' + make_interval(hours => n), n, 'observed'
		from generate_series(1, ${rows}::int) as n`);
	return seriesId;
}

/** A GET whose answer is not read past its headers: the server's stream stalls once buffers fill. */
export interface StalledDownload {
	response: IncomingMessage;
	/** Reads the rest of the answer; resolves with the bytes read and whether it arrived complete. */
	readRest(): Promise<{ bytes: number; isComplete: boolean }>;
	abort(): void;
}

export function startStalledDownload(url: string): Promise<StalledDownload> {
	return new Promise((resolve, reject) => {
		const req: ClientRequest = request(url, { agent: false }, (response) => {
			response.pause();
			const readRest = () =>
				new Promise<{ bytes: number; isComplete: boolean }>((done) => {
					let bytes = 0;
					response.on('data', (chunk: Buffer) => (bytes += chunk.length));
					// 'close' comes after 'end' for a whole answer, and alone for one cut off.
					response.on('close', () => done({ bytes, isComplete: response.complete }));
					response.on('error', () => undefined);
					response.resume();
				});
			resolve({ response, readRest, abort: () => req.destroy() });
		});
		req.on('error', (error) => ((error as { code?: string }).code === 'ECONNRESET' || error.message === 'socket hang up' ? undefined : reject(error)));
		req.end();
	});
}

/**
 * Reads `bytes` of an export (at least one chunk), then drops the connection: a download cut short.
 * False when the server did not start it (503 while an earlier one still held its slot).
 */
export function startAbortedDownload(url: string, bytes: number): Promise<boolean> {
	return new Promise((resolve, reject) => {
		const req = request(url, { agent: false }, (response) => {
			if (response.statusCode !== 200) {
				response.resume();
				return resolve(false);
			}
			let received = 0;
			response.on('data', (chunk: Buffer) => {
				received += chunk.length;
				if (received >= bytes) {
					req.destroy();
					resolve(true);
				}
			});
			response.on('end', () => reject(new Error(`the download ended after ${received} bytes, before ${bytes}`)));
		});
		req.on('error', (error) => ((error as { code?: string }).code === 'ECONNRESET' ? undefined : reject(error)));
		req.end();
	});
}

/** Polls `check` until it answers true; throws with `what` after `timeoutMs` (generous: the machine is shared). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

/**
 * POSTs a chunked body (no content-length) whose first chunk passes the limit, then keeps the request
 * open as a client still sending would, and resolves with the answer as soon as it comes. Sending more
 * after the server's refusal would race its close: a write after it fails with EPIPE, and data the
 * server left unread makes its kernel answer with a reset that can drop the 413 before it is read.
 */
export function postPastLimit(url: string, bytes: number, headers: Record<string, string>): Promise<Response> {
	return new Promise((resolve, reject) => {
		let isAnswered = false;
		const posted = request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } });
		posted.on('response', (answer: IncomingMessage) => {
			isAnswered = true;
			const chunks: Buffer[] = [];
			answer.on('data', (chunk: Buffer) => chunks.push(chunk));
			answer.on('end', () => {
				posted.destroy();
				const answerHeaders = new Headers();
				for (const [name, value] of Object.entries(answer.headers)) if (typeof value === 'string') answerHeaders.set(name, value);
				resolve(new Response(Buffer.concat(chunks), { status: answer.statusCode, headers: answerHeaders }));
			});
		});
		posted.on('error', (error) => {
			if (!isAnswered) reject(error);
		});
		posted.write('a'.repeat(bytes));
	});
}
