import { readdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/lib/server/db/client.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { startBuiltServer, useTestProcesses, withStore } from '../helpers/test-processes.js';
import { testBackends } from '../helpers/databases.js';
import { signalAndWait, spawnTsx, waitForOutput, waitUntil } from '../helpers/process-control.js';
import { WebhookReceiver } from '../helpers/receiver.js';
import { ReplayServer } from '../helpers/replay-server.js';

/**
 * Two web servers and a worker on one PostgreSQL database, all three scheduling, as real processes
 * started together on an empty database: the migrations run once, each Docker Hub tick is collected
 * once (its batch done by one run, one request per target), an alert that fires is notified once, and
 * stopping one process in the middle loses nothing: the others go on.
 */

const tickSeconds = 3;
const everyTick = `*/${tickSeconds} * * * * *`;
const never = '0 0 1 1 *';
const nginxPath = '/v2/namespaces/library/repositories/nginx';
const processTimeoutMs = 240_000;

// Several processes need a server database: PGlite allows one.
for (const backend of testBackends.filter((b) => b.name === 'postgres')) {
	describe(`several instances on one ${backend.name} database`, () => {
		const { newStore, track, defer } = useTestProcesses();

		it('migrate once, run each tick once, notify once, and lose nothing when one stops', async () => {
			const store = await newStore(backend.name);
			const replay = await ReplayServer.start();
			defer(() => replay.close());
			let pulls = 1_000;
			// Each answer a little higher, so that every run writes a sample.
			replay.route(nginxPath, ...Array.from({ length: 200 }, () => ({ body: { name: 'nginx', namespace: 'library', pull_count: (pulls += 10), star_count: 7 } })));
			const receiver = await WebhookReceiver.start();
			defer(() => receiver.close());
			const env = {
				...store.env,
				DOCKERHUB_API_URL: replay.url,
				DOCKERHUB_CRON: everyTick,
				ALERTS_CRON: everyTick,
				GITHUB_CRON: never,
				GITHUB_CONTRIBUTORS_CRON: never,
				ECOSYSTEM_CRON: never,
				BACKFILL_CRON: never,
				ALLOW_PRIVATE_WEBHOOKS: 'true'
			};

			// All three at once on an empty database: one migrates, the others wait for it.
			const worker = track(spawnTsx('jobs/worker.ts', [], env));
			const [first, second] = await Promise.all([startBuiltServer(env, track), startBuiltServer(env, track), waitForOutput(worker, 'scheduled job(s)', processTimeoutMs)]);
			const migrationFiles = readdirSync('migrations').filter((name) => name.endsWith('.sql')).length;
			await withStore(store, async (database) => {
				const [applied] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
				expect(applied!.n).toBe(migrationFiles);
				await upsertTarget(database.db, { source: 'dockerhub', key: 'library/nginx', displayName: 'nginx' });
			});
			const rule = { name: 'nginx over 1000', scope: 'dockerhub:library/nginx:pulls', condition: { kind: 'threshold', op: 'above', value: 1_000 }, channels: { webhooks: [{ url: receiver.url }] } };
			expect((await fetch(`${first!.url}/api/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) })).status).toBe(201);

			const countRuns = () => withStore(store, async (database) => (await listRuns(database.db)).length);
			await waitUntil(async () => (await countRuns()) >= 3, 'three Docker Hub runs', processTimeoutMs);
			await waitUntil(() => receiver.received.length >= 1, 'the notification', processTimeoutMs);
			// One web server stops in the middle of everything; the others carry on.
			const stopped = await signalAndWait(first!.server, 'SIGTERM');
			expect(stopped.code).toBe(0);
			const runsAtStop = await countRuns();
			await waitUntil(async () => (await countRuns()) >= runsAtStop + 3, 'three more runs after one process stopped', processTimeoutMs);
			await Promise.all([signalAndWait(second!.server, 'SIGTERM'), signalAndWait(worker, 'SIGTERM')]);

			const [runs, batches] = await withStore(store, async (database) => [await listRuns(database.db), await listBatches(database.db)] as const);
			// Each tick collected once: its batch (one target, one batch) done by one run. Every process fires
			// the Docker Hub tick and they share it; a batch handed back by a stopping process is finished by
			// another, so a tick can have an interrupted run beside the one that did it.
			const doneWithTarget = batches.filter((b) => b.state === 'done' && b.targets === 1).length;
			// Unfinished: the last tick (all stopped), and at most the tick the first stopping server handed back
			// if no other process was still in it to take the batch over.
			expect(batches.filter((b) => b.state !== 'done' && b.slot_ms !== batches.at(-1)!.slot_ms).length).toBeLessThanOrEqual(1);
			expect(batches.every((b) => b.batches_in_slot === 1)).toBe(true);
			// Every run closed; the interrupted ones are those of the processes stopped.
			expect(runs.filter((run) => run.status === 'running')).toEqual([]);
			expect(runs.filter((run) => run.status !== 'ok' && run.status !== 'interrupted')).toEqual([]);
			const interrupted = runs.filter((run) => run.status === 'interrupted').length;
			expect(interrupted).toBeLessThanOrEqual(3);
			const collectingRuns = runs.filter((run) => run.status === 'ok' && run.targets_done === 1).length;
			expect(collectingRuns).toBe(doneWithTarget);
			expect(collectingRuns).toBeGreaterThanOrEqual(3);
			// One request per tick that collected the target; an interrupted run may have asked before it stopped.
			expect(replay.countRequests(nginxPath)).toBeGreaterThanOrEqual(collectingRuns);
			expect(replay.countRequests(nginxPath)).toBeLessThanOrEqual(collectingRuns + interrupted);
			// The rule fired once and was notified once, by whichever process delivered it.
			expect(receiver.received).toHaveLength(1);
			expect(new Set(receiver.received.map((r) => r.headers['x-dockpulse-delivery'])).size).toBe(1);
		}, processTimeoutMs * 2);
	});
}

interface RunRow {
	status: string;
	started_ms: number;
	targets_done: number;
}

interface BatchRow {
	slot_ms: number;
	state: string;
	targets: number;
	batches_in_slot: number;
}

function listBatches(db: Parameters<typeof queryRows>[0]) {
	return queryRows<BatchRow>(
		db,
		sql`select (extract(epoch from slot) * 1000)::float8 as slot_ms, state, cardinality(target_ids)::int as targets,
				(count(*) over (partition by slot))::int as batches_in_slot
			from collection_batches where job = 'dockerhub' order by slot, batch_index`
	);
}

function listRuns(db: Parameters<typeof queryRows>[0]) {
	return queryRows<RunRow>(
		db,
		sql`select status, targets_done, (extract(epoch from started_at) * 1000)::float8 as started_ms from collection_runs where collector = 'dockerhub' order by id`
	);
}
