import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { BlockedAddressError, createGuardedLookup, getBlockedRange } from './webhook-guard.js';

/** How an attempt to deliver went: a detail for the delivery log (an HTTP status or the error). */
export interface Attempt {
	ok: boolean;
	detail: string;
	/** Cut short because the process is stopping: not the receiver's fault, and not counted against it. */
	isInterrupted?: boolean;
}

export interface WebhookOptions {
	/** The whole attempt (lookup, connection, request and the answer's status and headers), not only a silence. */
	timeoutMs: number;
	allowPrivate: boolean;
	/** Sent as X-Dockpulse-Delivery, so that a receiver can drop a retried duplicate. */
	deliveryId: string;
	/** Aborted when the process is stopping: the attempt ends at once. */
	signal?: AbortSignal;
}

/**
 * Why an aborted attempt ended: its own deadline or the process stopping. The deadline covers the
 * whole exchange, so that a receiver trickling its answer a byte at a time is cut like a silent one.
 */
function describeAbort(deadline: AbortSignal, timeoutMs: number): Attempt {
	if (deadline.aborted) return { ok: false, detail: `no answer within ${timeoutMs} ms` };
	return { ok: false, detail: 'interrupted: the process is stopping', isInterrupted: true };
}

/**
 * POSTs a JSON body; a 2xx answer is a success, anything else (or no answer in time) a failure. The
 * attempt ends with the answer's status line and headers: its body is not read (nothing in it is
 * used), so a receiver that answers slowly or without end holds nothing past the deadline.
 */
export function postWebhook(url: string, body: unknown, options: WebhookOptions): Promise<Attempt> {
	const target = new URL(url);
	const host = target.hostname.replace(/^\[|\]$/g, '');
	// A literal address is connected to without a lookup, so it is checked here.
	const literalRange = isIP(host) && !options.allowPrivate ? getBlockedRange(host) : undefined;
	if (literalRange) return Promise.resolve({ ok: false, detail: new BlockedAddressError(host, host, literalRange).message });
	const deadline = AbortSignal.timeout(options.timeoutMs);
	const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
	if (signal.aborted) return Promise.resolve(describeAbort(deadline, options.timeoutMs));
	const payload = JSON.stringify(body);
	const client = target.protocol === 'https:' ? https : http;
	return new Promise((resolve) => {
		let isSettled = false;
		const settle = (attempt: Attempt) => {
			if (isSettled) return;
			isSettled = true;
			signal.removeEventListener('abort', onAbort);
			resolve(attempt);
		};
		const request = client.request(target, {
			method: 'POST',
			lookup: createGuardedLookup(options.allowPrivate),
			headers: {
				'content-type': 'application/json',
				'content-length': Buffer.byteLength(payload),
				'user-agent': 'Dockpulse alerts',
				'x-dockpulse-delivery': options.deliveryId
			}
		});
		const onAbort = () => {
			settle(describeAbort(deadline, options.timeoutMs));
			request.destroy();
		};
		signal.addEventListener('abort', onAbort, { once: true });
		request.on('response', (response) => {
			const status = response.statusCode ?? 0;
			settle({ ok: status >= 200 && status < 300, detail: `HTTP ${status}` });
			// The body is not needed: dropping the connection frees it at once, however slowly it comes.
			response.destroy();
		});
		request.on('error', (error) => settle({ ok: false, detail: error.message }));
		request.end(payload);
	});
}

export interface Mailer {
	send(to: string, subject: string, text: string, signal?: AbortSignal): Promise<Attempt>;
}

/** Rejects when `signal` is aborted; `deadline` tells its own deadline from the process stopping. */
function rejectOnAbort(signal: AbortSignal, deadline: AbortSignal, timeoutMs: number): Promise<never> {
	return new Promise((_, reject) => {
		const fail = () => reject(describeAbort(deadline, timeoutMs));
		if (signal.aborted) fail();
		else signal.addEventListener('abort', fail, { once: true });
	});
}

/** An SMTP mailer from a URL such as smtp://user:pass@mail.example:587 (smtps:// for TLS at once). */
export function createMailer(smtpUrl: string, from: string, timeoutMs: number): Mailer {
	// The transport's own timeouts end a connection that the deadline below has already given up on.
	const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs }, { from });
	return {
		async send(to, subject, text, stop) {
			const deadline = AbortSignal.timeout(timeoutMs);
			const signal = stop ? AbortSignal.any([deadline, stop]) : deadline;
			try {
				const info = await Promise.race([transport.sendMail({ to, subject, text }), rejectOnAbort(signal, deadline, timeoutMs)]);
				return { ok: true, detail: `accepted: ${String(info.response ?? 'ok')}` };
			} catch (error) {
				if (error instanceof Error) return { ok: false, detail: error.message };
				return error as Attempt;
			}
		}
	};
}
