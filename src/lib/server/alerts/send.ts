import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { BlockedAddressError, createGuardedLookup, getBlockedRange } from './webhook-guard.js';

/** How an attempt to deliver went: a detail for the delivery log (an HTTP status or the error). */
export interface Attempt {
	ok: boolean;
	detail: string;
}

export interface WebhookOptions {
	timeoutMs: number;
	allowPrivate: boolean;
	/** Sent as X-Dockpulse-Delivery, so that a receiver can drop a retried duplicate. */
	deliveryId: string;
}

/** POSTs a JSON body; a 2xx answer is a success, anything else (or no answer in time) a failure. */
export function postWebhook(url: string, body: unknown, options: WebhookOptions): Promise<Attempt> {
	const target = new URL(url);
	const host = target.hostname.replace(/^\[|\]$/g, '');
	// A literal address is connected to without a lookup, so it is checked here.
	const literalRange = isIP(host) && !options.allowPrivate ? getBlockedRange(host) : undefined;
	if (literalRange) return Promise.resolve({ ok: false, detail: new BlockedAddressError(host, host, literalRange).message });
	const payload = JSON.stringify(body);
	const client = target.protocol === 'https:' ? https : http;
	return new Promise((resolve) => {
		const request = client.request(
			target,
			{
				method: 'POST',
				lookup: createGuardedLookup(options.allowPrivate),
				timeout: options.timeoutMs,
				headers: {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(payload),
					'user-agent': 'Dockpulse alerts',
					'x-dockpulse-delivery': options.deliveryId
				}
			},
			(response) => {
				// The body is not needed; reading it to the end frees the socket.
				response.resume();
				const status = response.statusCode ?? 0;
				resolve({ ok: status >= 200 && status < 300, detail: `HTTP ${status}` });
			}
		);
		request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
		request.on('error', (error) => resolve({ ok: false, detail: error.message }));
		request.end(payload);
	});
}

export interface Mailer {
	send(to: string, subject: string, text: string): Promise<Attempt>;
}

/** An SMTP mailer from a URL such as smtp://user:pass@mail.example:587 (smtps:// for TLS at once). */
export function createMailer(smtpUrl: string, from: string, timeoutMs: number): Mailer {
	const transport = nodemailer.createTransport(smtpUrl, { from });
	return {
		async send(to, subject, text) {
			try {
				const info = await Promise.race([
					transport.sendMail({ to, subject, text }),
					new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref())
				]);
				return { ok: true, detail: `accepted: ${String(info.response ?? 'ok')}` };
			} catch (error) {
				return { ok: false, detail: (error as Error).message };
			}
		}
	};
}
