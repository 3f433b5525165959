import { describe, expect, it } from 'vitest';
import { maskEmail } from '../../src/lib/server/outbox/redact.js';
import { findForwardingHeader, getHostName, isLoopbackAddress, isLoopbackName } from '../../src/lib/server/auth/addresses.js';
import {
	createSessionValue,
	decideRead,
	decideRequest,
	decideWrite,
	hasWriteRights,
	isValidSession,
	type RequestFacts
} from '../../src/lib/server/auth/decide.js';
import { findListenProblems } from '../../src/lib/server/auth/listen.js';
import { resolveNextPath } from '../../src/lib/server/auth/next.js';
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
	peerAddress: '127.0.0.1',
	forwardingHeader: null,
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

// Every combination of the facts open mode rests on: a credential-less write is allowed exactly when
// the peer is loopback, Host names loopback and no proxy header is present.
const peers = [
	{ peerAddress: '127.0.0.1', isLocal: true },
	{ peerAddress: '127.4.5.6', isLocal: true },
	{ peerAddress: '::1', isLocal: true },
	{ peerAddress: '::ffff:127.0.0.1', isLocal: true },
	{ peerAddress: '192.0.2.7', isLocal: false },
	{ peerAddress: '::ffff:192.0.2.7', isLocal: false },
	{ peerAddress: '2001:db8::1', isLocal: false },
	{ peerAddress: null, isLocal: false }
];
const hosts = [
	{ host: '127.0.0.1:3000', isLocal: true },
	{ host: 'localhost', isLocal: true },
	{ host: 'LOCALHOST:3000', isLocal: true },
	{ host: '[::1]:3000', isLocal: true },
	{ host: 'evil.example', isLocal: false },
	{ host: 'localhost.evil.example', isLocal: false },
	{ host: 'localhost@evil.example', isLocal: false },
	{ host: '127.0.0.1.nip.io', isLocal: false },
	{ host: null, isLocal: false }
];
const forwarding = [null, 'x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host'];
const table = peers.flatMap((peer) => hosts.flatMap((host) => forwarding.map((header) => ({ peer, host, header }))));

describe('open mode decision table', () => {
	it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s without credentials: allowed only for a direct local caller', (method) => {
		expect(table.length).toBe(peers.length * hosts.length * forwarding.length);
		for (const { peer, host, header } of table) {
			const request = facts({ peerAddress: peer.peerAddress, host: host.host, forwardingHeader: header });
			const isAllowed = peer.isLocal && host.isLocal && header === null;
			const decision = decideRequest(open, request, { isWrite: method !== 'GET', isPublic: false });
			expect(decision.ok, `${method} from ${peer.peerAddress} Host ${host.host} ${header ?? 'direct'}`).toBe(isAllowed);
			if (!decision.ok) expect(decision.status).toBe(403);
			expect(hasWriteRights(open, request)).toBe(isAllowed);
		}
	});

	it('says why a write was refused', () => {
		expect(decideWrite(open, facts({ forwardingHeader: 'x-forwarded-for' }))).toMatchObject({ message: expect.stringContaining('x-forwarded-for') });
		expect(decideWrite(open, facts({ peerAddress: '192.0.2.7' }))).toMatchObject({ message: expect.stringContaining('only from this machine') });
		expect(decideWrite(open, facts({ host: 'evil.example' }))).toMatchObject({ message: expect.stringContaining('localhost or 127.0.0.1') });
	});

	it('GET: allowed from any peer and through proxies, but only addressed to a known host', () => {
		for (const { peer, host, header } of table) {
			const request = facts({ peerAddress: peer.peerAddress, host: host.host, forwardingHeader: header });
			const decision = decideRequest(open, request, { isWrite: false, isPublic: false });
			expect(decision.ok, `GET from ${peer.peerAddress} Host ${host.host} ${header ?? 'direct'}`).toBe(host.isLocal);
		}
	});

	it('GET: ALLOWED_HOSTS and ORIGIN add names reads may use, not names writes may use', () => {
		const listed = loadConfig({ ALLOWED_HOSTS: 'dockpulse.lan, Dash.Example', ORIGIN: 'http://board.example:8080' });
		for (const host of ['dockpulse.lan', 'dash.example:3000', 'board.example:8080', 'localhost']) {
			expect(decideRead(listed, facts({ host })), host).toEqual({ ok: true });
		}
		expect(decideRead(listed, facts({ host: 'evil.example' }))).toMatchObject({ ok: false, status: 403, message: expect.stringContaining('ALLOWED_HOSTS') });
		expect(decideRead(listed, facts({ host: 'sub.dockpulse.lan' }))).toMatchObject({ ok: false, status: 403 });
		expect(decideWrite(listed, facts({ host: 'dockpulse.lan' }))).toMatchObject({ ok: false, status: 403 });
	});

	it('public paths (sign-in, /healthz) answer any host; a sign-in from another site is still refused', () => {
		const request = facts({ host: 'evil.example', peerAddress: '192.0.2.7', forwardingHeader: 'forwarded' });
		expect(decideRequest(open, request, { isWrite: false, isPublic: true })).toEqual({ ok: true });
		expect(decideRequest(secured, { ...request, origin: 'https://evil.example', host: 'dash.example' }, { isWrite: true, isPublic: true })).toMatchObject({
			ok: false,
			status: 403
		});
	});
});

describe('with ADMIN_TOKEN, credentials decide', () => {
	it('writes: the same answer whatever the peer, Host and proxy headers say', () => {
		for (const { peer, host, header } of table) {
			const base = facts({ peerAddress: peer.peerAddress, host: host.host, forwardingHeader: header });
			expect(decideWrite(secured, base)).toMatchObject({ ok: false, status: 401 });
			expect(decideWrite(secured, { ...base, authorization: `Bearer ${token}` })).toEqual({ ok: true });
			expect(decideWrite(secured, { ...base, sessionCookie: createSessionValue(secured, nowMs) })).toEqual({ ok: true });
		}
	});

	it('reads: any Host unless ALLOWED_HOSTS is set; then a foreign Host needs credentials', () => {
		expect(decideRead(secured, facts({ host: 'dash.example.com' }))).toEqual({ ok: true });
		const listed = loadConfig({ ADMIN_TOKEN: token, ALLOWED_HOSTS: 'dash.example.com' });
		expect(decideRead(listed, facts({ host: 'dash.example.com' }))).toEqual({ ok: true });
		expect(decideRead(listed, facts({ host: 'rebound.evil.example' }))).toMatchObject({ ok: false, status: 403 });
		expect(decideRead(listed, facts({ host: 'rebound.evil.example', authorization: `Bearer ${token}` }))).toEqual({ ok: true });
		expect(decideRead(listed, facts({ host: 'rebound.evil.example', authorization: 'Bearer wrong' }))).toMatchObject({ ok: false, status: 403 });
	});
});

describe('addresses', () => {
	it('tells loopback peers from others', () => {
		for (const address of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(address), address).toBe(true);
		for (const address of ['10.0.0.1', '0.0.0.0', '::', '::ffff:10.0.0.1', 'fe80::1', 'localhost', '', '127.1']) {
			expect(isLoopbackAddress(address), address).toBe(false);
		}
	});

	it('reads the name of a Host header, refusing anything that is not a host', () => {
		expect(getHostName('LocalHost:3000')).toBe('localhost');
		expect(getHostName('[::1]:8080')).toBe('[::1]');
		expect(getHostName('dash.example.com')).toBe('dash.example.com');
		for (const bad of [null, '', 'a b', 'localhost@evil.example', 'evil.example/localhost', 'localhost:3000:1', 'http://localhost']) {
			expect(getHostName(bad), String(bad)).toBeUndefined();
		}
	});

	it('counts only names browsers resolve to this machine as loopback names', () => {
		for (const name of ['localhost', '127.0.0.1', '127.9.9.9', '[::1]', '[::ffff:127.0.0.1]']) expect(isLoopbackName(name), name).toBe(true);
		for (const name of ['127.1', '2130706433', '::1', 'localhost.', 'my.localhost.example', '[::2]', '10.0.0.1', undefined]) {
			expect(isLoopbackName(name), String(name)).toBe(false);
		}
	});

	it('finds the headers a proxy adds', () => {
		expect(findForwardingHeader(new Headers({ accept: '*/*', host: 'localhost' }))).toBeNull();
		for (const name of ['Forwarded', 'X-Forwarded-For', 'X-Forwarded-Proto', 'X-Real-IP', 'Via']) {
			expect(findForwardingHeader(new Headers({ [name]: 'for=192.0.2.7' })), name).toBe(name.toLowerCase());
		}
	});
});

describe('listen address at start-up (the built server)', () => {
	const problemsFor = (env: Record<string, string>, isBuilt = true) => findListenProblems({ env, isBuilt, pid: 4242 });

	it('refuses an unset HOST without ADMIN_TOKEN: adapter-node would listen on 0.0.0.0', () => {
		expect(problemsFor({})).toEqual([expect.stringContaining('HOST: HOST is not set, so the server listens on every interface (0.0.0.0)')]);
		expect(problemsFor({ HOST: '' })).toHaveLength(1);
		expect(problemsFor({ LISTEN_PID: '4242', LISTEN_FDS: '1', HOST: '127.0.0.1' })).toEqual([expect.stringContaining('LISTEN_FDS')]);
	});

	it('accepts a set HOST (loadConfig judges it), ADMIN_TOKEN, and vite dev', () => {
		expect(problemsFor({ HOST: '127.0.0.1' })).toEqual([]);
		expect(problemsFor({ ADMIN_TOKEN: token })).toEqual([]);
		expect(problemsFor({ SOCKET_PATH: '/run/dockpulse.sock' })).toEqual([]);
		expect(problemsFor({ LISTEN_PID: '7', LISTEN_FDS: '1', HOST: '127.0.0.1' })).toEqual([]);
		expect(problemsFor({}, false)).toEqual([]);
	});
});

describe('sign-in next', () => {
	const origin = 'http://127.0.0.1:3000';

	it('keeps paths on this site, with their query and fragment', () => {
		expect(resolveNextPath('/targets', origin)).toBe('/targets');
		expect(resolveNextPath('/explore?series=github:moby/moby:stars#chart', origin)).toBe('/explore?series=github:moby/moby:stars#chart');
		expect(resolveNextPath('alerts', origin)).toBe('/alerts');
		expect(resolveNextPath(`${origin}/report`, origin)).toBe('/report');
	});

	it.each(['/\\evil.com', '/\t/evil.com', '/\n/evil.com', '//evil.com', '\\\\evil.com', 'https://evil.com', 'http://127.0.0.1:3001/', '/.//evil.com', 'javascript:alert(1)', 'http://[::1', ''])(
		'falls back to / for %j',
		(next) => {
			expect(resolveNextPath(next, origin)).toBe('/');
		}
	);
});

describe('e-mail masking for readers without write rights', () => {
	it('keeps the first letter and the domain only', () => {
		expect(maskEmail('alice.ops@example.com')).toBe('a***@example.com');
		expect(maskEmail('b@x.org')).toBe('b***@x.org');
		expect(maskEmail('"odd@local"@example.com')).toBe('"***@example.com');
		expect(maskEmail('@example.com')).toBe('***');
		expect(maskEmail('not-an-address')).toBe('***');
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
