import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { createStoreEnv, getFreePort, runServerExpectingExit, spawnNode, startServer, type TestServer } from '../helpers/server.js';

const adminToken = 'integration-admin-token-7f3a9c';
const csv = 'ts,value\n2024-01-01,10\n2024-02-01,20\n';
const emailRule = {
	name: 'mailed',
	scope: 'github:auth/mailed:stars',
	condition: { kind: 'threshold', op: 'above', value: 1000 },
	channels: { emails: ['alice.ops@example.com'] }
};

/** A request with any Host header (fetch does not let a caller choose it); the body is read as text. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
	return new Promise<{ status: number; contentType: string; text: string }>((resolve, reject) => {
		const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (chunk) => (text += chunk));
			res.on('end', () => resolve({ status: res.statusCode!, contentType: res.headers['content-type'] ?? '', text }));
		});
		req.once('error', reject);
		req.end(options.body);
	});
}

describe.each(testBackends)('authorisation on $name', (backend) => {
	describe('with ADMIN_TOKEN', () => {
		let server: TestServer;
		const importAs = (headers: Record<string, string>) =>
			fetch(`${server.url}/api/import?series=github:auth/check:stars`, {
				method: 'POST',
				headers: { 'content-type': 'text/csv', ...headers },
				body: csv
			});

		beforeAll(async () => {
			server = await startServer(backend.name, { ADMIN_TOKEN: adminToken });
		});
		afterAll(() => server?.stop());

		it('refuses a write without credentials (401) and with a wrong token (403), saying why', async () => {
			const anonymous = await importAs({});
			expect(anonymous.status).toBe(401);
			expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
			expect(await anonymous.json()).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('/signin') });
			const wrong = await importAs({ authorization: 'Bearer not-the-token-at-all' });
			expect(wrong.status).toBe(403);
			expect((await fetch(`${server.url}/api/series?series=github:auth/check:stars`)).status).toBe(404);
		});

		it('accepts the bearer token', async () => {
			const response = await importAs({ authorization: `Bearer ${adminToken}` });
			expect(response.status).toBe(201);
		});

		it('accepts a session from the sign-in page, and refuses a wrong token there', async () => {
			const form = (token: string) =>
				fetch(`${server.url}/signin?/signin`, {
					method: 'POST',
					redirect: 'manual',
					headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: server.url },
					body: new URLSearchParams({ token, next: '/' })
				});
			const refused = await form('wrong-token-wrong-token');
			expect(refused.headers.get('set-cookie')).toBeNull();
			expect(await refused.text()).toContain('That is not the ADMIN_TOKEN.');
			const signedIn = await form(adminToken);
			expect(signedIn.status).toBe(303);
			const cookie = signedIn.headers.get('set-cookie')!;
			expect(cookie).toMatch(/dockpulse_session=.+; .*HttpOnly/i);
			expect(cookie).toMatch(/SameSite=Strict/i);
			const write = await importAs({ cookie: cookie.split(';')[0]! });
			expect(write.status).toBe(200);
			const crossSite = await importAs({ cookie: cookie.split(';')[0]!, origin: 'https://evil.example' });
			expect(crossSite.status).toBe(403);
			const crossSiteSignIn = await fetch(`${server.url}/signin?/signin`, {
				method: 'POST',
				redirect: 'manual',
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
				body: new URLSearchParams({ token: adminToken })
			});
			expect(crossSiteSignIn.status).toBe(403);
		});

		it('sends the browser back after sign-in only to a path on this site', async () => {
			const signIn = async (next: string) => {
				const response = await fetch(`${server.url}/signin?/signin`, {
					method: 'POST',
					redirect: 'manual',
					headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: server.url },
					body: new URLSearchParams({ token: adminToken, next })
				});
				expect(response.status).toBe(303);
				return response.headers.get('location');
			};
			expect(await signIn('/explore?series=github:moby/moby:stars')).toBe('/explore?series=github:moby/moby:stars');
			for (const next of ['/\\evil.com', '/\t/evil.com', '//evil.com', 'https://evil.com', '/.//evil.com']) {
				expect(await signIn(next), JSON.stringify(next)).toBe('/');
			}
		});

		it('gives /healthz details and e-mail addresses to token holders only', async () => {
			const anonymousHealth = await fetch(`${server.url}/healthz`);
			expect(anonymousHealth.status).toBe(200);
			expect(await anonymousHealth.json()).toEqual({ status: 'ok' });
			const health = await fetch(`${server.url}/healthz`, { headers: { authorization: `Bearer ${adminToken}` } });
			expect(await health.json()).toMatchObject({ status: 'ok', database: { kind: backend.name, isReachable: true }, migrations: { isUpToDate: true } });

			const created = await fetch(`${server.url}/api/alerts`, {
				method: 'POST',
				headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
				body: JSON.stringify(emailRule)
			});
			expect(created.status).toBe(201);
			expect((await created.json()).rule.channels.emails).toEqual(['alice.ops@example.com']);
			const anonymous = await (await fetch(`${server.url}/api/alerts`)).json();
			expect(anonymous.rules[0].channels.emails).toEqual(['a***@example.com']);
			const page = await (await fetch(`${server.url}/alerts`)).text();
			expect(page).not.toContain('alice.ops');
			const signedIn = await (await fetch(`${server.url}/api/alerts`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
			expect(signedIn.rules[0].channels.emails).toEqual(['alice.ops@example.com']);
		});

		it('keeps reads open and never shows the token', async () => {
			const page = await fetch(`${server.url}/`);
			expect(page.status).toBe(200);
			const html = await page.text();
			expect(html).not.toContain(adminToken);
			expect(html).not.toContain('Local mode');
			expect(server.output()).not.toContain(adminToken);
		});
	});

	describe('with REQUIRE_SIGN_IN', () => {
		let server: TestServer;
		beforeAll(async () => {
			server = await startServer(backend.name, { ADMIN_TOKEN: adminToken, REQUIRE_SIGN_IN: 'true' });
		});
		afterAll(() => server?.stop());

		it('closes reads to strangers but keeps /healthz and /signin open', async () => {
			expect((await fetch(`${server.url}/api/targets`)).status).toBe(401);
			const page = await fetch(`${server.url}/`, { redirect: 'manual', headers: { accept: 'text/html' } });
			expect(page.status).toBe(303);
			expect(page.headers.get('location')).toBe('/signin?next=%2F');
			expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
			expect((await fetch(`${server.url}/signin`)).status).toBe(200);
			const withToken = await fetch(`${server.url}/api/targets`, { headers: { authorization: `Bearer ${adminToken}` } });
			expect(withToken.status).toBe(200);
		});
	});

	describe('without ADMIN_TOKEN on loopback', () => {
		let server: TestServer;
		beforeAll(async () => {
			server = await startServer(backend.name);
		});
		afterAll(() => server?.stop());

		it('allows local writes but refuses one a web page on another site makes', async () => {
			const local = await fetch(`${server.url}/api/import?series=github:auth/local:stars`, {
				method: 'POST',
				headers: { 'content-type': 'text/csv' },
				body: csv
			});
			expect(local.status).toBe(201);
			const crossSite = await fetch(`${server.url}/api/import?series=github:auth/local:stars`, {
				method: 'POST',
				headers: { 'content-type': 'text/csv', origin: 'https://evil.example' },
				body: csv
			});
			expect(crossSite.status).toBe(403);
		});

		it('refuses a credential-less write that came through a proxy, storing nothing', async () => {
			const series = 'github:auth/proxied:stars';
			const proxyHeaders: Record<string, string>[] = [
				{ 'x-forwarded-for': '203.0.113.9' },
				{ forwarded: 'for=203.0.113.9;proto=https' },
				{ 'x-real-ip': '203.0.113.9' },
				{ 'x-forwarded-host': 'localhost' }
			];
			for (const header of proxyHeaders) {
				const response = await send(`${server.url}/api/import?series=${series}`, {
					method: 'POST',
					headers: { host: 'localhost', 'content-type': 'text/csv', ...header },
					body: csv
				});
				expect(response.status, JSON.stringify(header)).toBe(403);
				expect(JSON.parse(response.text)).toMatchObject({ error: 'forbidden', message: expect.stringContaining(Object.keys(header)[0]!) });
			}
			expect((await fetch(`${server.url}/api/series?series=${series}`)).status).toBe(404);
			const direct = await send(`${server.url}/api/import?series=${series}`, {
				method: 'POST',
				headers: { host: 'localhost', 'content-type': 'text/csv' },
				body: csv
			});
			expect(direct.status).toBe(201);
		});

		it('refuses a write and a read addressed to a foreign Host (DNS rebinding), but answers /healthz', async () => {
			const write = await send(`${server.url}/api/import?series=github:auth/rebound:stars`, {
				method: 'POST',
				headers: { host: 'evil.example:3000', 'content-type': 'text/csv' },
				body: csv
			});
			expect(write.status).toBe(403);
			const api = await send(`${server.url}/api/targets`, { headers: { host: 'evil.example' } });
			expect(api.status).toBe(403);
			expect(api.contentType).toContain('application/json');
			expect(JSON.parse(api.text)).toMatchObject({ error: 'forbidden', message: expect.stringContaining('ALLOWED_HOSTS') });
			const page = await send(`${server.url}/`, { headers: { host: 'evil.example', accept: 'text/html' } });
			expect(page.status).toBe(403);
			expect(page.contentType).toContain('text/plain');
			expect(page.text).toContain('ALLOWED_HOSTS');
			const health = await send(`${server.url}/healthz`, { headers: { host: 'evil.example' } });
			expect(health.status).toBe(200);
			expect(JSON.parse(health.text)).toEqual({ status: 'ok' });
			expect((await send(`${server.url}/api/targets`, { headers: { host: 'localhost' } })).status).toBe(200);
		});

		it('tells local callers the details of /healthz and e-mail addresses, callers through a proxy neither', async () => {
			const local = await (await fetch(`${server.url}/healthz`)).json();
			expect(local).toMatchObject({ status: 'ok', database: { kind: backend.name }, migrations: { isUpToDate: true } });
			const proxied = await send(`${server.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
			expect(JSON.parse(proxied.text)).toEqual({ status: 'ok' });

			const created = await fetch(`${server.url}/api/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(emailRule) });
			expect(created.status).toBe(201);
			const rules = async (headers: Record<string, string>) => JSON.parse((await send(`${server.url}/api/alerts`, { headers })).text).rules;
			expect((await rules({}))[0].channels.emails).toEqual(['alice.ops@example.com']);
			expect((await rules({ 'x-forwarded-for': '203.0.113.9' }))[0].channels.emails).toEqual(['a***@example.com']);
			const page = await send(`${server.url}/alerts`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
			expect(page.status).toBe(200);
			expect(page.text).not.toContain('alice.ops');
		});
	});

	describe('without ADMIN_TOKEN, with ALLOWED_HOSTS', () => {
		let server: TestServer;
		beforeAll(async () => {
			server = await startServer(backend.name, { ALLOWED_HOSTS: 'evil.example' });
		});
		afterAll(() => server?.stop());

		it('answers reads addressed to a listed host, but still refuses writes through it', async () => {
			expect((await send(`${server.url}/api/targets`, { headers: { host: 'evil.example:3000' } })).status).toBe(200);
			expect((await send(`${server.url}/`, { headers: { host: 'evil.example' } })).status).toBe(200);
			expect((await send(`${server.url}/api/targets`, { headers: { host: 'other.example' } })).status).toBe(403);
			const write = await send(`${server.url}/api/import?series=github:auth/listed:stars`, {
				method: 'POST',
				headers: { host: 'evil.example', 'content-type': 'text/csv' },
				body: csv
			});
			expect(write.status).toBe(403);
		});
	});
});

describe('start-up refusals', () => {
	it('refuses a non-loopback HOST without ADMIN_TOKEN, naming the variable', async () => {
		const { code, output } = await runServerExpectingExit({ HOST: '0.0.0.0', ADMIN_TOKEN: '' });
		expect(code).toBe(1);
		expect(output).toContain('HOST: HOST=0.0.0.0 is reachable from other machines, so ADMIN_TOKEN must be set');
	});

	it('refuses SOCKET_PATH without ADMIN_TOKEN, naming the variable', async () => {
		const { code, output } = await runServerExpectingExit({ SOCKET_PATH: '/tmp/dockpulse-test.sock', ADMIN_TOKEN: '' });
		expect(code).toBe(1);
		expect(output).toContain('SOCKET_PATH: SOCKET_PATH is for running behind a reverse proxy, where every caller looks local, so ADMIN_TOKEN must be set');
	});

	it('refuses `node build` without HOST and without ADMIN_TOKEN: adapter-node would listen on 0.0.0.0', async () => {
		const store = await createStoreEnv('pglite');
		// An empty HOST is what adapter-node treats as unset too (it listens on every interface).
		const server = spawnNode(['build/index.js'], { ...store.env, HOST: '', ADMIN_TOKEN: '', PORT: String(await getFreePort()) });
		// Were the check missing, the server would run: end it, so that the test fails instead of hanging.
		const guard = setTimeout(() => server.child.kill('SIGKILL'), 30_000);
		const code = await server.closed;
		clearTimeout(guard);
		await store.cleanup();
		expect(code).toBe(1);
		expect(server.output()).toContain('HOST: HOST is not set, so the server listens on every interface (0.0.0.0)');
	});

	it('refuses a bad PORT, naming the variable and what it expects', async () => {
		const { code, output } = await runServerExpectingExit({ PORT: 'eighty' });
		expect(code).toBe(1);
		expect(output).toContain('PORT: expected a port number');
	});
});
