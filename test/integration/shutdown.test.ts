import { request, Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { queryRows } from '../../src/lib/server/db/client.js';
import { sql } from 'drizzle-orm';
import { getFreePort, spawnNode, waitForHealthy, type SpawnedProcess } from '../../harness/processes.js';
import { testBackends } from '../helpers/databases.js';
import { signalAndWait, spawnTsx, waitForOutput, waitUntil } from '../helpers/process-control.js';
import { TricklingReceiver } from '../helpers/receiver.js';
import { ReplayServer } from '../helpers/replay-server.js';
import { createStoreEnv, openStoreEnvDatabase } from '../helpers/server.js';

/**
 * SIGTERM with real processes: the built server (`node build`) and the worker stop within the 5 s
 * that supervisors allow (docker stop gives 10 s before SIGKILL) with every run record closed, also
 * in the middle of a collection whose source does not answer. 5 s is the bound, measured from
 * the signal to the end of the process; the processes are expected to take well under it.
 */

const stopBoundMs = 5_000;
const imagePath = (name: string) => `/v2/namespaces/library/repositories/${name}`;

type Store = Awaited<ReturnType<typeof createStoreEnv>>;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function newStore(backend: 'pglite' | 'postgres'): Promise<Store> {
	const store = await createStoreEnv(backend);
	cleanups.push(() => store.cleanup());
	return store;
}

/** A process that is killed at the end of the test if it is still running. */
function track(process: SpawnedProcess): SpawnedProcess {
	cleanups.push(async () => {
		if (process.child.exitCode === null && process.child.signalCode === null) {
			process.child.kill('SIGKILL');
			await process.closed;
		}
	});
	return process;
}

async function startBuiltServer(env: Record<string, string>) {
	const port = await getFreePort();
	const url = `http://127.0.0.1:${port}`;
	const server = track(spawnNode(['build/index.js'], { HOST: '127.0.0.1', PORT: String(port), ...env }));
	await waitForHealthy(url, server);
	return { server, url, port };
}

/** Docker Hub targets in the store, and a replay server on which one of them never answers. */
async function prepareSlowCollection(store: Store) {
	const database = await openStoreEnvDatabase(store.env);
	try {
		for (const key of ['library/alpine', 'library/busybox', 'library/nginx']) {
			await upsertTarget(database.db, { source: 'dockerhub', key, displayName: key });
		}
	} finally {
		await database.close();
	}
	const replay = await ReplayServer.start();
	cleanups.push(() => replay.close());
	const answer = { body: { name: 'x', namespace: 'library', pull_count: 10, star_count: 1, last_updated: '2026-01-01T00:00:00Z' } };
	replay.route(imagePath('alpine'), answer).route(imagePath('busybox'), { fault: 'hang' }).route(imagePath('nginx'), answer);
	const env = {
		...store.env,
		DOCKERHUB_API_URL: replay.url,
		GITHUB_API_URL: replay.url,
		CATCH_UP_ON_START: 'true',
		COLLECT_CONCURRENCY: '1',
		HTTP_TIMEOUT_MS: '120000'
	};
	return { replay, env };
}

async function listRuns(store: Store) {
	const database = await openStoreEnvDatabase(store.env);
	try {
		return await queryRows<{ collector: string; status: string; targets_done: number; targets_failed: number }>(
			database.db,
			sql`select collector, status, targets_done, targets_failed from collection_runs order by id`
		);
	} finally {
		await database.close();
	}
}

async function listTargetStatuses(store: Store) {
	const database = await openStoreEnvDatabase(store.env);
	try {
		return await queryRows<{ key: string; status: string }>(database.db, sql`select key, status from targets where source = 'dockerhub' order by key`);
	} finally {
		await database.close();
	}
}

/** One keep-alive request, answered; the connection stays open and idle afterwards. */
async function openIdleKeepAlive(port: number): Promise<Agent> {
	const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
	cleanups.push(() => agent.destroy());
	await new Promise<void>((resolve, reject) => {
		const req = request({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
			res.resume();
			res.on('end', resolve);
		});
		req.on('error', reject);
		req.end();
	});
	await waitUntil(() => Object.values(agent.freeSockets).flat().length === 1, 'the idle keep-alive socket');
	return agent;
}

describe.each(testBackends)('stopping on $name', (backend) => {
	it('the server exits with 0 in under 5 s on SIGTERM with an idle keep-alive client connected', async () => {
		const store = await newStore(backend.name);
		const { server, port } = await startBuiltServer({ ...store.env, RUN_SCHEDULES: 'true' });
		const agent = await openIdleKeepAlive(port);
		const { code, elapsedMs } = await signalAndWait(server, 'SIGTERM');
		expect(server.output()).toContain('Dockpulse: SIGTERM, stopping');
		expect(server.output()).toContain('Dockpulse: stopped');
		expect(code).toBe(0);
		expect(elapsedMs).toBeLessThan(stopBoundMs);
		// The server closed the idle connection rather than waiting for the client.
		expect(Object.values(agent.freeSockets).flat()).toHaveLength(0);
	});

	it('the server, SIGTERM in the middle of a collection, exits with 0 in under 5 s and closes the run as interrupted', async () => {
		const store = await newStore(backend.name);
		const { replay, env } = await prepareSlowCollection(store);
		const { server } = await startBuiltServer(env);
		await waitUntil(() => replay.countRequests(imagePath('busybox')) === 1, 'the collection to reach the target that never answers');
		const { code, elapsedMs } = await signalAndWait(server, 'SIGTERM');
		expect(code, server.output()).toBe(0);
		expect(elapsedMs).toBeLessThan(stopBoundMs);
		await expectInterruptedCollection(store, replay);
	});

	it('the worker, SIGTERM in the middle of a collection, exits with 0 in under 5 s and closes the run as interrupted', async () => {
		const store = await newStore(backend.name);
		const { replay, env } = await prepareSlowCollection(store);
		const worker = track(spawnTsx('jobs/worker.ts', [], env));
		await waitUntil(() => replay.countRequests(imagePath('busybox')) === 1, 'the collection to reach the target that never answers');
		await waitForOutput(worker, 'scheduled job(s)');
		const { code, elapsedMs } = await signalAndWait(worker, 'SIGTERM');
		expect(worker.output()).toContain('worker: SIGTERM, stopping');
		expect(code, worker.output()).toBe(0);
		expect(elapsedMs).toBeLessThan(stopBoundMs);
		await expectInterruptedCollection(store, replay);
	});

	it('the server, SIGTERM while a webhook trickles its answer, exits with 0 in under 5 s and sends it after a restart', async () => {
		const store = await newStore(backend.name);
		const receiver = await TricklingReceiver.start(1_000);
		cleanups.push(() => receiver.close());
		const env = { ...store.env, RUN_SCHEDULES: 'false', ALLOW_PRIVATE_WEBHOOKS: 'true', WEBHOOK_TIMEOUT_MS: '120000' };
		const { server, url } = await startBuiltServer(env);
		const importCsv = (csv: string) => fetch(`${url}/api/import?series=github:notify/slow:stars`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
		expect((await importCsv('ts,value\n2026-01-01,900\n')).status).toBe(201);
		const rule = { name: 'slow receiver', scope: 'github:notify/slow:stars', condition: { kind: 'threshold', op: 'above', value: 1000 }, channels: { webhooks: [{ url: receiver.url }] } };
		const created = await fetch(`${url}/api/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
		expect(created.status).toBe(201);
		const ruleId = ((await created.json()) as { rule: { id: number } }).rule.id;
		expect((await importCsv('ts,value\n2026-01-02,1500\n')).status).toBe(201);
		await waitUntil(() => receiver.deliveryIds.length === 1, 'the notification to reach the trickling receiver');

		const { code, elapsedMs } = await signalAndWait(server, 'SIGTERM');
		expect(code, server.output()).toBe(0);
		expect(elapsedMs).toBeLessThan(stopBoundMs);
		expect(receiver.answered).toBe(0);

		// Given back, not lost: the next start sends it at once (the receiver now answers).
		receiver.mode = 'answer';
		const again = await startBuiltServer(env);
		const readDeliveries = async () => {
			const answer = await fetch(`${again.url}/api/alerts/events?rule=${ruleId}`);
			const { events } = (await answer.json()) as { events: { deliveries: { status: string; attempts: number }[] }[] };
			return events.flatMap((e) => e.deliveries);
		};
		await waitUntil(async () => (await readDeliveries())[0]?.status === 'sent', 'the delivery to be sent after the restart');
		expect(await readDeliveries()).toEqual([expect.objectContaining({ status: 'sent', attempts: 1 })]);
		expect(receiver.deliveryIds).toHaveLength(2);
		expect(new Set(receiver.deliveryIds).size).toBe(1);
		expect((await signalAndWait(again.server, 'SIGTERM')).code).toBe(0);
	});
});

/** Every run closed, Docker Hub's as interrupted; what was collected kept, what was not left as it was. */
async function expectInterruptedCollection(store: Store, replay: ReplayServer) {
	const runs = await listRuns(store);
	expect(runs.filter((run) => run.status === 'running')).toEqual([]);
	expect(runs.filter((run) => run.collector === 'dockerhub')).toEqual([{ collector: 'dockerhub', status: 'interrupted', targets_done: 1, targets_failed: 0 }]);
	// Targets go in key order, one at a time: nginx, after the one that never answered, was never asked.
	expect(replay.countRequests(imagePath('nginx'))).toBe(0);
	expect(await listTargetStatuses(store)).toEqual([
		{ key: 'library/alpine', status: 'ok' },
		{ key: 'library/busybox', status: 'ok' },
		{ key: 'library/nginx', status: 'ok' }
	]);
}

describe('the server killed with SIGKILL', () => {
	it('starts again at once on the same embedded store, with what it had written', async () => {
		const store = await newStore('pglite');
		const first = await startBuiltServer(store.env);
		const imported = await fetch(`${first.url}/api/import?series=github:crash/test:stars`, {
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: 'ts,value\n2026-01-01,5\n2026-02-01,8\n'
		});
		expect(imported.status).toBe(201);
		expect((await signalAndWait(first.server, 'SIGKILL')).code).toBeNull();
		// Same store, same lock folder; waitForHealthy fails if the server exits refusing the store.
		const second = await startBuiltServer(store.env);
		const read = await fetch(`${second.url}/api/series?series=github:crash/test:stars&interval=raw`);
		expect(read.status).toBe(200);
		const { series } = (await read.json()) as { series: { points: unknown[] }[] };
		expect(series[0]!.points).toHaveLength(2);
		expect((await signalAndWait(second.server, 'SIGTERM')).code).toBe(0);
	});
});

describe('a stop that does not end', () => {
	it('ends at a second signal at once', async () => {
		const stubborn = track(spawnTsx('test/helpers/stubborn-process.ts', ['60000'], {}));
		await waitForOutput(stubborn, 'stubborn: ready');
		stubborn.child.kill('SIGTERM');
		await waitForOutput(stubborn, 'stubborn: SIGTERM, stopping');
		const { code } = await signalAndWait(stubborn, 'SIGTERM');
		expect(code).toBe(143);
		expect(stubborn.output()).toContain('stubborn: second SIGTERM, exiting at once');
	});

	it('ends at the deadline, naming what was still running', async () => {
		const stubborn = track(spawnTsx('test/helpers/stubborn-process.ts', ['500'], {}));
		await waitForOutput(stubborn, 'stubborn: ready');
		const { code } = await signalAndWait(stubborn, 'SIGINT');
		expect(code).toBe(1);
		expect(stubborn.output()).toContain('stubborn: not stopped after 0.5 s (still running: a job that ignores the abort); exiting anyway');
	});
});
