import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { listHostileEndpoints, type HostileRequest } from '../helpers/hostile-endpoints.js';
import { WebhookReceiver } from '../helpers/receiver.js';
import { ReplayServer } from '../helpers/replay-server.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

/**
 * Property-based: generated hostile query strings, path parameters and bodies for every endpoint of
 * the API and every form action, against the built server with the admin token (so that the input
 * reaches the parsers). Asserted for each request: never a 5xx; on /api/ every 4xx in the documented
 * JSON shape; a refused write changes nothing. The seed is fixed (HOSTILE_SEED overrides it to explore);
 * on failure fast-check prints the seed, the path to replay and the smallest failing request.
 */

const seed = Number(process.env.HOSTILE_SEED ?? 20_261_201);
const token = 'h'.repeat(32);
const minRequestsPerRun = 1000;

type Json = Record<string, unknown>;

describe.each(testBackends)('hostile input on $name', (backend) => {
	let server: TestServer;
	let receiver: WebhookReceiver;
	let sources: ReplayServer;
	let sent = 0;
	const endpoints: ReturnType<typeof listHostileEndpoints> = [];

	const call = (path: string, init: RequestInit = {}) =>
		fetch(`${server.url}${path}`, { ...init, redirect: 'manual', signal: AbortSignal.timeout(30_000), headers: { authorization: `Bearer ${token}`, ...init.headers } });
	const readJson = async (path: string) => (await (await call(path)).json()) as Json;

	/** What a refused write must leave as it was: targets and series, rules, events, and every sample. */
	async function readStoreFingerprint(): Promise<string> {
		const [targetList, ruleList, samples] = await Promise.all([readJson('/api/targets'), readJson('/api/alerts'), call('/api/export.csv?series=*:*:*&format=long')]);
		const targets = targetList.targets as { target: string; series: { metric: string }[] }[];
		const rules = (ruleList.rules as { id: number }[]).map((r) => r.id).sort();
		const events = new Set<number>();
		const refs = targets.map((t) => t.target);
		for (let i = 0; i === 0 || i < refs.length; i += 100) {
			const query = refs.slice(i, i + 100).map((ref) => `target=${encodeURIComponent(ref)}`).join('&');
			for (const e of (await readJson(`/api/events?${query}`)).events as { id: number }[]) events.add(e.id);
		}
		return JSON.stringify({
			targets: targets.map((t) => `${t.target} ${t.series.map((s) => s.metric).join(',')}`).sort(),
			rules,
			events: [...events].sort(),
			samples: samples.status === 200 ? await samples.text() : `${samples.status} ${await samples.text()}`
		});
	}

	async function send(request: HostileRequest): Promise<{ status: number; contentType: string; text: string }> {
		sent += 1;
		const path = request.query === undefined ? request.path : `${request.path}?${request.query}`;
		const headers: Record<string, string> = request.contentType ? { 'content-type': request.contentType } : {};
		const response = await call(path, { method: request.method, headers, body: request.body });
		return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
	}

	/** The documented error: `{ error, message }`, and `parameter` (which the message starts with) for bad_parameter. */
	function checkApiError(answer: { status: number; contentType: string; text: string }) {
		expect(answer.contentType, 'an /api/ error is JSON').toMatch(/^application\/json/);
		const body = JSON.parse(answer.text) as Json;
		expect(body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
		if (body.error === 'bad_parameter') {
			expect(body.parameter).toEqual(expect.any(String));
			expect((body.message as string).startsWith(`${body.parameter as string}: `), String(body.message)).toBe(true);
		}
		if (answer.status === 500) expect(body).toMatchObject({ error: 'internal', requestId: expect.any(String) });
	}

	/** The store as last read, and the ETag of a cached answer then: the ETag carries the data version. */
	let known: { fingerprint: string; etag: string } | undefined;
	const versionProbe = '/api/series?series=github:fuzz/seeded:stars';

	async function readKnown(): Promise<{ fingerprint: string; etag: string }> {
		const probe = await call(versionProbe);
		await probe.arrayBuffer();
		return { etag: probe.headers.get('etag') ?? '', fingerprint: await readStoreFingerprint() };
	}

	/**
	 * Whether the store is as `known` says. The data version changes whenever any transaction commits
	 * (or takes a transaction id), so while the probe's ETag still matches nothing can have changed and
	 * the whole fingerprint (four requests, one an export of every sample) need not be read again.
	 */
	async function expectStoreUnchanged(was: { fingerprint: string; etag: string }) {
		const probe = await call(versionProbe, { headers: { 'if-none-match': was.etag } });
		await probe.arrayBuffer();
		if (probe.status === 304) return;
		expect(await readStoreFingerprint(), 'a refused write changed the store').toBe(was.fingerprint);
		was.etag = probe.headers.get('etag') ?? '';
	}

	async function check(request: HostileRequest) {
		try {
			await checkAnswer(request);
		} catch (error) {
			// After a failure the last fingerprint may be stale; shrinking replays from a fresh one.
			known = undefined;
			throw error;
		}
	}

	async function checkAnswer(request: HostileRequest) {
		const isWrite = request.method !== 'GET';
		if (isWrite && known === undefined) known = await readKnown();
		const answer = await send(request);
		expect(answer.status, `${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
		const isRefused = answer.status >= 400;
		if (isRefused && request.path.startsWith('/api/')) checkApiError(answer);
		if (!isWrite) return;
		if (!isRefused) {
			known = undefined;
			return;
		}
		await expectStoreUnchanged(known!);
	}

	beforeAll(async () => {
		receiver = await WebhookReceiver.start();
		// The sources know nothing: a target that parses is checked there and refused with a 404.
		sources = await ReplayServer.start();
		const env = {
			ADMIN_TOKEN: token,
			ALLOW_PRIVATE_WEBHOOKS: 'true',
			RUN_SCHEDULES: 'false',
			CATCH_UP_ON_START: 'false',
			DEFAULT_WATCHLIST: 'false',
			DOCKERHUB_API_URL: sources.url,
			GITHUB_API_URL: sources.url,
			HTTP_MAX_RETRIES: '0'
		};
		server = await startServer(backend.name, env, {
			seed: async (database) => {
				await seedSeries(database.db, 'fuzz/seeded', 'stars', [
					['2026-01-01T00:00:00Z', 100],
					['2026-02-01T00:00:00Z', 150],
					['2026-03-01T00:00:00Z', 140],
					['2026-06-01T00:00:00Z', 400]
				]);
			}
		});
		endpoints.push(...listHostileEndpoints(receiver.url));
		// A rule and two events, so that ids 1 to 3 name real rows now and then.
		const rule = { name: 'seeded', scope: 'github:fuzz/seeded:stars', condition: { kind: 'threshold', op: 'above', value: 1000 } };
		expect((await call('/api/alerts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) })).status).toBe(201);
		for (const label of ['launch', 'DockerCon']) {
			const event = { date: '2026-02-01', label, target: 'github:fuzz/seeded' };
			expect((await call('/api/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) })).status).toBe(201);
		}
	});
	afterAll(async () => {
		await server?.stop();
		await receiver?.close();
		await sources?.close();
	});

	it('lists every API endpoint and form action, with at least 1,000 requests per run', () => {
		const names = endpoints.map((e) => e.name);
		for (const route of ['/api/series', '/api/export.csv', '/api/report', '/api/report.csv', '/api/report.zip', '/api/scorecard', '/api/scorecard.csv', '/api/events', '/api/alerts', '/api/alerts/backtest', '/api/alerts/events', '/api/targets', '/api/collection', '/api/import']) {
			expect(names.some((n) => n.endsWith(` ${route}`)), route).toBe(true);
		}
		expect(names).toEqual(expect.arrayContaining(['DELETE /api/events/<id>', 'PATCH /api/alerts/<id>', 'DELETE /api/alerts/<id>', 'POST /api/alerts/<id>/test', 'DELETE /api/targets/<ref>', 'POST /targets?/add', 'POST /targets?/remove', 'POST /signin?/signin']));
		expect(endpoints.reduce((n, e) => n + e.numRuns, 0)).toBeGreaterThanOrEqual(minRequestsPerRun);
	});

	it('answers every hostile request below 500, in the documented shape, and writes nothing when it refuses', async () => {
		for (const [index, endpoint] of endpoints.entries()) {
			try {
				await fc.assert(
					fc.asyncProperty(endpoint.requests, (request) => check(request)),
					{ seed: seed + index, numRuns: endpoint.numRuns, verbose: 1 }
				);
			} catch (error) {
				throw new Error(`${endpoint.name} (seed ${seed + index}): ${(error as Error).message}\n--- server output ---\n${server.output().slice(-3000)}`);
			}
		}
		expect(sent).toBeGreaterThanOrEqual(minRequestsPerRun);
	}, 300_000);
});
