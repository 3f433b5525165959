import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import { getHostName, isLoopbackAddress, isLoopbackName } from './addresses.js';

/**
 * Who may do what. Reads are open unless REQUIRE_SIGN_IN; every write needs `Authorization: Bearer
 * <ADMIN_TOKEN>` or a session cookie from /signin, and is refused when a browser makes it on behalf of
 * another site. Without ADMIN_TOKEN (open mode, allowed only on a loopback listen address) a write needs
 * no credentials when three facts agree that the caller is on this machine: the socket's peer is
 * loopback, the Host header names loopback, and no proxy header says the request was forwarded. Each
 * alone can be faked or is not enough: Host is the caller's to choose, and a proxy on the same host
 * makes every remote caller's socket local. Reads in open mode must name a known host (DNS rebinding).
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

/** Whether an Authorization header carries `secret` as its bearer token (constant time), e.g. METRICS_TOKEN. */
export function hasBearerToken(authorization: string | null, secret: string): boolean {
	const candidate = authorization?.match(/^Bearer (.+)$/i)?.[1];
	return candidate !== undefined && timingSafeEqual(digest(candidate), digest(secret));
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
	/** The socket's remote address (never a header's claim); null when there is none, as on a Unix socket. */
	peerAddress: string | null;
	/** The first proxy header present (`forwarded`, `x-forwarded-for`, ...), or null: see findForwardingHeader. */
	forwardingHeader: string | null;
	nowMs: number;
}

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

/** Open mode: whether the caller is on this machine and came straight to it. */
function checkLocalCaller(facts: RequestFacts): Decision {
	if (facts.forwardingHeader !== null) {
		return { ok: false, status: 403, message: `without ADMIN_TOKEN, writes through a proxy (the request carries ${facts.forwardingHeader}) are refused` };
	}
	if (facts.peerAddress === null || !isLoopbackAddress(facts.peerAddress)) {
		return { ok: false, status: 403, message: 'without ADMIN_TOKEN, writes are accepted only from this machine' };
	}
	// A page on another site can still reach a loopback server through a domain that resolves to
	// 127.0.0.1 (DNS rebinding); then the Host header names that domain, not loopback.
	if (!isLoopbackName(getHostName(facts.host))) {
		return { ok: false, status: 403, message: 'without ADMIN_TOKEN, writes are accepted only through localhost or 127.0.0.1' };
	}
	return allowed;
}

export function decideWrite(config: Config, facts: RequestFacts): Decision {
	const sameSite = decideSameSite(facts);
	if (!sameSite.ok) return sameSite;
	return config.adminToken ? checkCredentials(config, facts) : checkLocalCaller(facts);
}

/** Whether a request could write: the alerts page and API show e-mail addresses, /healthz its details, to those only. */
export function hasWriteRights(config: Config, facts: RequestFacts): boolean {
	return decideWrite(config, facts).ok;
}

/**
 * A name the server answers to: loopback, ALLOWED_HOSTS or ORIGIN's host. A page on another site that
 * rebinds its own name to this machine's address sends that name, and is refused.
 */
function isKnownHost(config: Config, host: string | null): boolean {
	const name = getHostName(host);
	return isLoopbackName(name) || (name !== undefined && config.allowedHosts.includes(name));
}

function refuseUnknownHost(host: string | null): Decision {
	return {
		ok: false,
		status: 403,
		message: `this server does not answer to the host ${JSON.stringify((host ?? '').slice(0, 100))}; add its name to ALLOWED_HOSTS if it is yours`
	};
}

export function decideRead(config: Config, facts: RequestFacts): Decision {
	if (config.isSignInRequired) return checkCredentials(config, facts);
	const isHostChecked = !config.adminToken || config.isHostListSet;
	if (!isHostChecked || isKnownHost(config, facts.host)) return allowed;
	// Rebinding cannot carry credentials (a cookie for this site is not sent to another name).
	if (config.adminToken && checkCredentials(config, facts).ok) return allowed;
	return refuseUnknownHost(facts.host);
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
