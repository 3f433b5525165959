import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { openStoreEnvDatabase } from '../helpers/server.js';
import { testBackends } from '../helpers/databases.js';
import { signalAndWait, spawnTsx, waitForOutput, waitUntil } from '../helpers/process-control.js';
import { ReplayServer } from '../helpers/replay-server.js';
import { useTestProcesses } from '../helpers/test-processes.js';

/**
 * Two worker processes on one PostgreSQL database join one Docker Hub tick: they split its batches,
 * every image is asked for and written once; and when one is killed with SIGKILL in the middle of its
 * batch, the other, waiting for the tick to end, takes that batch over at once and finishes it. The
 * first two tests join the tick with `npm run collect -- --tick` (the collector a scheduled tick runs),
 * so that which batch each holds is steered with held answers, not with timing: image02 and image03
 * (batch 0) are answered only when the test says so. The last runs two `npm run worker` on their cron.
 */

const processTimeoutMs = 240_000;
const tick = '2026-12-01T18:00:00.000Z';
const names = Array.from({ length: 40 }, (_, i) => `image${String(i).padStart(2, '0')}`);
const batchZero = names.slice(0, 10);
const imagePath = (name: string) => `/v2/namespaces/bench/repositories/${name}`;
const imageAnswer = (name: string, i: number) => ({ body: { name, namespace: 'bench', pull_count: 1_000 + i, star_count: i } });
// Two held answers fill both request slots (COLLECT_CONCURRENCY 2): batch 0 never has every request
// out, so its worker claims no next batch while it waits.
const heldIndexes = [2, 3];
const heldPaths = heldIndexes.map((i) => imagePath(names[i]!));

interface BatchRow {
	batch_index: number;
	state: string;
	attempts: number;
	claimed_by: string | null;
}

const listBatches = (database: Database) =>
	queryRows<BatchRow>(database.db, sql`select batch_index, state, attempts, claimed_by from collection_batches order by batch_index`);
const listRuns = (database: Database) =>
	queryRows<{ status: string; owner: string; targets_done: number }>(database.db, sql`select status, owner, targets_done from collection_runs order by id`);
const countSamplesPerSeries = (database: Database) =>
	queryRows<{ n: number }>(
		database.db,
		sql`select count(s.ts)::int as n from targets t join series se on se.target_id = t.id left join samples s on s.series_id = se.id
			where t.source = 'dockerhub' group by se.id`
	);
const pidOf = (owner: string | null) => Number(owner?.split('/')[1]);

// Several processes need a server database: PGlite allows one (its shared tick is tested in one process).
for (const backend of testBackends.filter((b) => b.name === 'postgres')) {
	describe(`two workers sharing a Docker Hub tick on ${backend.name}`, () => {
		const { newStore, track, defer } = useTestProcesses();

		async function prepare() {
			const store = await newStore(backend.name);
			const database = await openStoreEnvDatabase(store.env);
			defer(() => database.close());
			for (const name of names) await upsertTarget(database.db, { source: 'dockerhub', key: `bench/${name}`, displayName: name });
			const replay = await ReplayServer.start({ latencyMs: 20 });
			defer(() => replay.close());
			names.forEach((name, i) => replay.route(imagePath(name), imageAnswer(name, i)));
			// The first request for image02 and for image03 waits for release(); any later one is answered at once.
			for (const i of heldIndexes) replay.route(imagePath(names[i]!), { ...imageAnswer(names[i]!, i), fault: 'hold' }, imageAnswer(names[i]!, i));
			// A held request waits as long as the test needs: on a busy machine the second worker's start and
			// batches outlast the default 15 s timeout, whose retry would ask a held image once more.
			const env = { ...store.env, DOCKERHUB_API_URL: replay.url, COLLECT_BATCH_SIZE: '10', COLLECT_CONCURRENCY: '2', HTTP_TIMEOUT_MS: String(processTimeoutMs) };
			const startWorker = () => track(spawnTsx('scripts/collect.ts', ['--source', 'dockerhub', '--tick', tick], env));
			// The first worker plans the tick and claims batch 0, where it stays on image02 and image03;
			// the second then claims every other batch and waits for batch 0 to end.
			const first = startWorker();
			const isHolding = () => heldPaths.every((path) => replay.countRequests(path) === 1);
			await waitUntil(isHolding, 'the first worker to hold batch 0', processTimeoutMs);
			const second = startWorker();
			const isRestDone = async () => (await listBatches(database)).filter((b) => b.batch_index > 0 && b.state === 'done').length === 3;
			await waitUntil(isRestDone, 'the second worker to finish batches 1 to 3', processTimeoutMs);
			return { database, replay, first, second };
		}

		it('they split the tick: every image asked for and written once, each batch done once', async () => {
			const { database, replay, first, second } = await prepare();
			for (const path of heldPaths) expect(replay.release(path)).toBe(1);
			expect(await first.closed, first.output()).toBe(0);
			expect(await second.closed, second.output()).toBe(0);

			for (const name of names) expect(replay.countRequests(imagePath(name)), name).toBe(1);
			const batches = await listBatches(database);
			expect(batches.map((b) => [b.state, b.attempts])).toEqual(Array.from({ length: 4 }, () => ['done', 1]));
			expect(batches.map((b) => pidOf(b.claimed_by))).toEqual([first.child.pid, second.child.pid, second.child.pid, second.child.pid]);
			const runs = await listRuns(database);
			expect(runs.map((r) => [r.status, pidOf(r.owner), r.targets_done])).toEqual([
				['ok', first.child.pid, 10],
				['ok', second.child.pid, 30]
			]);
			// pulls and stars of each image, one sample each.
			expect(await countSamplesPerSeries(database)).toEqual(Array.from({ length: names.length * 2 }, () => ({ n: 1 })));
		}, processTimeoutMs * 2);

		it('one killed with SIGKILL in the middle of its batch: the other takes the batch over and finishes the tick', async () => {
			const { database, replay, first, second } = await prepare();
			expect((await signalAndWait(first, 'SIGKILL')).code).toBeNull();
			expect(await second.closed, second.output()).toBe(0);

			const batches = await listBatches(database);
			expect(batches.map((b) => [b.state, b.attempts])).toEqual([['done', 2], ['done', 1], ['done', 1], ['done', 1]]);
			expect(batches.every((b) => pidOf(b.claimed_by) === second.child.pid)).toBe(true);
			// Batch 0 asked again by the second worker (the first may not have reached all of it); the rest once.
			for (const name of batchZero) expect(replay.countRequests(imagePath(name)), name).toBeGreaterThanOrEqual(1);
			for (const name of batchZero) expect(replay.countRequests(imagePath(name)), name).toBeLessThanOrEqual(2);
			for (const path of heldPaths) expect(replay.countRequests(path)).toBe(2);
			for (const name of names.slice(10)) expect(replay.countRequests(imagePath(name)), name).toBe(1);
			// The killed worker's run stays open until a start closes it (crash repair); the other's covers the whole tick.
			const runs = await listRuns(database);
			expect(runs.map((r) => [r.status, pidOf(r.owner)])).toEqual([
				['running', first.child.pid],
				['ok', second.child.pid]
			]);
			expect(runs[1]!.targets_done).toBe(names.length);
			// What the killed worker wrote was written again at the same time: no sample twice.
			expect(await countSamplesPerSeries(database)).toEqual(Array.from({ length: names.length * 2 }, () => ({ n: 1 })));
		}, processTimeoutMs * 2);

		it('two npm run worker processes fire one scheduled tick and split it: every image asked for once, every batch done once', async () => {
			const store = await newStore(backend.name);
			const database = await openStoreEnvDatabase(store.env);
			defer(() => database.close());
			const replay = await ReplayServer.start({ latencyMs: 20 });
			defer(() => replay.close());
			names.forEach((name, i) => replay.route(imagePath(name), imageAnswer(name, i)));
			const never = '0 0 1 1 *';
			const env = {
				...store.env,
				DOCKERHUB_API_URL: replay.url,
				COLLECT_BATCH_SIZE: '10',
				COLLECT_CONCURRENCY: '2',
				// A tick every 30 s: the first one after the targets exist is measured, and ends long before the next.
				DOCKERHUB_CRON: '*/30 * * * * *',
				GITHUB_CRON: never,
				GITHUB_CONTRIBUTORS_CRON: never,
				ECOSYSTEM_CRON: never,
				BACKFILL_CRON: never,
				ALERTS_CRON: never
			};
			const workers = [track(spawnTsx('jobs/worker.ts', [], env)), track(spawnTsx('jobs/worker.ts', [], env))];
			await Promise.all(workers.map((worker) => waitForOutput(worker, 'scheduled job(s)', processTimeoutMs)));
			// Added in one transaction once both are up: the next tick is the first with targets, and both fire it.
			await database.db.transaction(async (tx) => {
				for (const name of names) await upsertTarget(tx, { source: 'dockerhub', key: `bench/${name}`, displayName: name });
			});
			// A tick may fire between the first worker's start and the targets' commit: it plans one empty
			// batch, done at once. The tick measured is the first one whose batches hold targets.
			const listTickBatches = () =>
				queryRows<BatchRow>(
					database.db,
					sql`select batch_index, state, attempts, claimed_by from collection_batches
						where slot = (select min(slot) from collection_batches where cardinality(target_ids) > 0) order by batch_index`
				);
			const isTickDone = async () => {
				const batches = await listTickBatches();
				return batches.length > 0 && batches.every((b) => b.state === 'done');
			};
			await waitUntil(isTickDone, 'the first tick with targets to be done', processTimeoutMs);
			for (const worker of workers) expect((await signalAndWait(worker, 'SIGTERM')).code).toBe(0);

			const batches = await listTickBatches();
			expect(batches.map((b) => [b.state, b.attempts])).toEqual(Array.from({ length: 4 }, () => ['done', 1]));
			for (const name of names) expect(replay.countRequests(imagePath(name)), name).toBe(1);
			const pids = workers.map((worker) => worker.child.pid);
			expect(batches.every((b) => pids.includes(pidOf(b.claimed_by)))).toBe(true);
			// One run per worker that claimed a batch (and one of nothing for an empty tick before); together they cover the watchlist.
			const runs = await listRuns(database);
			expect(runs.every((r) => r.status === 'ok' && pids.includes(pidOf(r.owner)))).toBe(true);
			expect(runs.reduce((sum, r) => sum + r.targets_done, 0)).toBe(names.length);
			expect(await countSamplesPerSeries(database)).toEqual(Array.from({ length: names.length * 2 }, () => ({ n: 1 })));
		}, processTimeoutMs * 2);
	});
}
