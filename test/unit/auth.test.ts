import { describe, expect, it } from 'vitest';
import { createSessionValue, decideRead, decideWrite, isValidSession, type RequestFacts } from '../../src/lib/server/auth/decide.js';
import { loadConfig } from '../../src/lib/server/config.js';

const token = 'test-admin-token-0123456789';
const secured = loadConfig({ ADMIN_TOKEN: token });
const open = loadConfig({});
const nowMs = Date.UTC(2026, 10, 28);
const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
	authorization: null,
	sessionCookie: undefined,
	origin: null,
	host: '127.0.0.1:3000',
	nowMs,
	...over
});

describe('write authorisation', () => {
	it('with ADMIN_TOKEN: no credentials 401, a wrong token 403, the token or a session allowed', () => {
		expect(decideWrite(secured, facts())).toMatchObject({ ok: false, status: 401 });
		expect(decideWrite(secured, facts({ authorization: 'Bearer nope' }))).toMatchObject({ ok: false, status: 403 });
		expect(decideWrite(secured, facts({ authorization: `Basic ${token}` }))).toMatchObject({ ok: false, status: 401 });
		expect(decideWrite(secured, facts({ authorization: `Bearer ${token}` }))).toEqual({ ok: true });
		const session = createSessionValue(secured, nowMs);
		expect(decideWrite(secured, facts({ sessionCookie: session }))).toEqual({ ok: true });
	});

	it('without ADMIN_TOKEN: local writes allowed, cross-site and DNS-rebound ones refused', () => {
		expect(decideWrite(open, facts())).toEqual({ ok: true });
		expect(decideWrite(open, facts({ origin: 'http://127.0.0.1:3000' }))).toEqual({ ok: true });
		expect(decideWrite(open, facts({ host: 'localhost:3000', origin: 'https://localhost:3000' }))).toEqual({ ok: true });
		expect(decideWrite(open, facts({ origin: 'https://evil.example' }))).toMatchObject({ ok: false, status: 403 });
		expect(decideWrite(open, facts({ host: 'rebound.evil.example:3000', origin: 'http://rebound.evil.example:3000' }))).toMatchObject({
			ok: false,
			status: 403
		});
	});

	it('refuses a cross-site write even with a valid session', () => {
		const session = createSessionValue(secured, nowMs);
		expect(decideWrite(secured, facts({ sessionCookie: session, origin: 'https://evil.example' }))).toMatchObject({ ok: false, status: 403 });
	});

	it('reads are open unless sign-in is required', () => {
		expect(decideRead(secured, facts())).toEqual({ ok: true });
		const closed = loadConfig({ ADMIN_TOKEN: token, REQUIRE_SIGN_IN: 'true' });
		expect(decideRead(closed, facts())).toMatchObject({ ok: false, status: 401 });
		expect(decideRead(closed, facts({ authorization: `Bearer ${token}` }))).toEqual({ ok: true });
	});
});

describe('sessions', () => {
	it('expire, and die when the token changes or the value is forged', () => {
		const session = createSessionValue(secured, nowMs);
		expect(isValidSession(secured, session, nowMs + 1000)).toBe(true);
		expect(isValidSession(secured, session, nowMs + 8 * 24 * 3600 * 1000)).toBe(false);
		expect(isValidSession(loadConfig({ ADMIN_TOKEN: `${token}-rotated` }), session, nowMs)).toBe(false);
		const [expires] = session.split('.');
		expect(isValidSession(secured, `${Number(expires) + 1}.${session.split('.')[1]}`, nowMs)).toBe(false);
		expect(isValidSession(secured, 'garbage', nowMs)).toBe(false);
	});
});
