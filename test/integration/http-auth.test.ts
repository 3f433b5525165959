import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { runServerExpectingExit, startServer, type TestServer } from '../helpers/server.js';

const adminToken = 'integration-admin-token-7f3a9c';
const csv = 'ts,value\n2024-01-01,10\n2024-02-01,20\n';

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
	});
});

describe('start-up refusals', () => {
	it('refuses a non-loopback HOST without ADMIN_TOKEN, naming the variable', async () => {
		const { code, output } = await runServerExpectingExit({ HOST: '0.0.0.0', ADMIN_TOKEN: '' });
		expect(code).toBe(1);
		expect(output).toContain('HOST: HOST=0.0.0.0 is reachable from other machines, so ADMIN_TOKEN must be set');
	});

	it('refuses a bad PORT, naming the variable and what it expects', async () => {
		const { code, output } = await runServerExpectingExit({ PORT: 'eighty' });
		expect(code).toBe(1);
		expect(output).toContain('PORT: expected a port number');
	});
});
