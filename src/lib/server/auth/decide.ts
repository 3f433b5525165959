import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';

/**
 * Who may do what. Reads are open unless REQUIRE_SIGN_IN; every write needs `Authorization: Bearer
 * <ADMIN_TOKEN>` or a session cookie from /signin. Without ADMIN_TOKEN (allowed only on a loopback HOST)
 * writes are open to local callers, but never to a cross-site request a browser makes on a web page's
 * behalf.
 */

export const sessionCookieName = 'dockpulse_session';
export const sessionTtlMs = 7 * 24 * 3600 * 1000;

export type Decision = { ok: true } | { ok: false; status: 401 | 403; message: string };

const allowed: Decision = { ok: true };

function digest(text: string): Buffer {
	return createHash('sha256').update(text).digest();
}

/** Constant-time comparison; hashing first makes the lengths equal. */
export function isAdminToken(config: Config, candidate: string): boolean {
	return config.adminToken !== undefined && timingSafeEqual(digest(candidate), digest(config.adminToken));
}

function signSession(adminToken: string, expiresMs: number): string {
	return createHmac('sha256', adminToken).update(`session:${expiresMs}`).digest('base64url');
}

/** A session is its expiry and an HMAC of it keyed by ADMIN_TOKEN: changing the token signs everyone out. */
export function createSessionValue(config: Config, nowMs: number): string {
	if (!config.adminToken) throw new Error('sessions need ADMIN_TOKEN');
	const expiresMs = nowMs + sessionTtlMs;
	return `${expiresMs}.${signSession(config.adminToken, expiresMs)}`;
}

export function isValidSession(config: Config, value: string | undefined, nowMs: number): boolean {
	if (!config.adminToken || !value) return false;
	const [expiresText, signature = ''] = value.split('.');
	const expiresMs = Number(expiresText);
	if (!Number.isSafeInteger(expiresMs) || expiresMs <= nowMs) return false;
	return timingSafeEqual(digest(signature), digest(signSession(config.adminToken, expiresMs)));
}

export interface RequestFacts {
	authorization: string | null;
	sessionCookie: string | undefined;
	/** The Origin header: browsers send it with every cross-origin write. */
	origin: string | null;
	/** The Host header: the name the caller used to reach this server. */
	host: string | null;
	nowMs: number;
}

const loopbackNames = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?$/;

function originHost(origin: string): string | undefined {
	try {
		return new URL(origin).host;
	} catch {
		return undefined;
	}
}

/**
 * A write a browser makes on behalf of another site carries that site's Origin. Comparing hosts (not
 * schemes) works behind a TLS proxy too. Callers without an Origin (curl, scripts) are not browsers.
 */
export function decideSameSite(facts: RequestFacts): Decision {
	if (facts.origin === null || originHost(facts.origin) === facts.host) return allowed;
	return { ok: false, status: 403, message: `cross-site write from ${facts.origin} refused` };
}

function checkCredentials(config: Config, facts: RequestFacts): Decision {
	if (facts.authorization !== null) {
		const match = /^Bearer\s+(.+)$/i.exec(facts.authorization);
		if (!match) return { ok: false, status: 401, message: 'Authorization must be "Bearer <ADMIN_TOKEN>"' };
		return isAdminToken(config, match[1]!.trim())
			? allowed
			: { ok: false, status: 403, message: 'the bearer token is not the ADMIN_TOKEN' };
	}
	if (isValidSession(config, facts.sessionCookie, facts.nowMs)) return allowed;
	return {
		ok: false,
		status: 401,
		message: 'sign in at /signin or send Authorization: Bearer <ADMIN_TOKEN>'
	};
}

export function decideWrite(config: Config, facts: RequestFacts): Decision {
	const sameSite = decideSameSite(facts);
	if (!sameSite.ok) return sameSite;
	if (config.adminToken) return checkCredentials(config, facts);
	// Open local mode. A page on another site can still reach a loopback server through a domain that
	// resolves to 127.0.0.1 (DNS rebinding); then the Host header names that domain, not loopback.
	if (!loopbackNames.test(facts.host ?? '')) {
		return { ok: false, status: 403, message: 'without ADMIN_TOKEN, writes are accepted only through localhost or 127.0.0.1' };
	}
	return allowed;
}

export function decideRead(config: Config, facts: RequestFacts): Decision {
	return config.isSignInRequired ? checkCredentials(config, facts) : allowed;
}

/**
 * The decision for one request. Public paths (sign-in, health) skip credentials, but a sign-in posted
 * from another site is still refused.
 */
export function decideRequest(config: Config, facts: RequestFacts, request: { isWrite: boolean; isPublic: boolean }): Decision {
	if (request.isPublic) return request.isWrite ? decideSameSite(facts) : allowed;
	return request.isWrite ? decideWrite(config, facts) : decideRead(config, facts);
}

/** Whether writes need no credentials, which the UI says on every page. */
export function isOpenLocalMode(config: Config): boolean {
	return config.adminToken === undefined;
}
