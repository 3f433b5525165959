/**
 * A scheduled Docker Hub tick over 1,000 images shared by worker processes on one PostgreSQL
 * database, against the replay server answering each request after 50 ms: one worker, then two, each
 * a real `npm run worker` whose Docker Hub cron fires once, at a second both are up for. Target: two
 * workers in <= 0.6x the time of one.
 *
 * The tick's time runs from the tick (node-cron fires it in every worker) to the end of its last
 * batch, read from the database: a worker with nothing left to claim polls once a second, so its run's
 * end says less. A first collection (in this process, not measured) creates every series, so that both
 * measured ticks do the same work: one new sample per series.
 *
 * `npx tsx bench/workers.ts` runs it alone (BENCH_DATABASE_URL / TEST_DATABASE_URL as for the bench).
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { getCollector } from '../jobs/index.js';
import { spawnNode, type SpawnedProcess } from '../harness/processes.js';
import { ReplayServer } from '../harness/replay-server.js';
import { loadConfig } from '../src/lib/server/config.js';
import { openDatabase, queryRows, type Database } from '../src/lib/server/db/client.js';
import { applyMigrations } from '../src/lib/server/db/migrate.js';
import { upsertTarget } from '../src/lib/server/db/queries/targets.js';
import { adminUrl, benchUrl, runAdmin } from './engines.js';

export const sharedTickTargetRatio = 0.6;
const databaseName = 'dockpulse_bench_workers';

export interface WorkerBenchResults {
	images: number;
	latencyMs: number;
	/** Requests each worker runs at once (COLLECT_CONCURRENCY) and targets per batch (COLLECT_BATCH_SIZE). */
	concurrency: number;
	batchSize: number;
	oneWorkerSeconds: number;
	twoWorkersSeconds: number;
	/** twoWorkersSeconds / oneWorkerSeconds. */
	ratio: number;
	/** The machine's 1-minute load average at the end: the workers share its CPUs with whatever else runs. */
	loadAverage: number;
}

const never = '0 0 1 1 *';
// Workers start in a few seconds on an idle machine; the margin is for a loaded one.
const startMarginMs = 45_000;

/** A six-field node-cron expression (seconds first, UTC) that fires once a year, at `ms` rounded down to the second. */
function cronAt(ms: number): string {
	const d = new Date(ms);
	return `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, deadlineMs: number): Promise<void> {
	while (!(await condition())) {
		if (Date.now() > deadlineMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/**
 * Starts `workers` worker processes whose Docker Hub tick fires at one second, waits for the tick's
 * batches to be done, stops the workers (SIGTERM) and returns the tick's seconds.
 */
async function measureTick(database: Database, env: Record<string, string>, workers: number): Promise<number> {
	const tickMs = Math.ceil((Date.now() + startMarginMs) / 1000) * 1000;
	const slot = new Date(tickMs).toISOString();
	const workerEnv = { ...env, DOCKERHUB_CRON: cronAt(tickMs), GITHUB_CRON: never, GITHUB_CONTRIBUTORS_CRON: never, ECOSYSTEM_CRON: never, BACKFILL_CRON: never, ALERTS_CRON: never };
	const processes: SpawnedProcess[] = Array.from({ length: workers }, () => spawnNode(['--import', 'tsx', 'jobs/worker.ts'], workerEnv));
	try {
		const areReady = () => processes.every((p) => p.output().includes('scheduled job(s)'));
		await waitFor(areReady, `${workers} worker(s) to start before the tick`, tickMs - 1_000);
		const countOpen = async () => {
			const [row] = await queryRows<{ done: number; open: number }>(
				database.db,
				sql`select count(*) filter (where state = 'done')::int as done, count(*) filter (where state in ('pending', 'claimed'))::int as open
					from collection_batches where job = 'dockerhub' and slot = ${slot}::timestamptz`
			);
			return row!;
		};
		await waitFor(async () => {
			const { done, open } = await countOpen();
			return done > 0 && open === 0;
		}, `the tick of ${slot}`, tickMs + 600_000);
		const split = await queryRows<{ pid: string; batches: number; first_s: number; last_s: number }>(
			database.db,
			sql`select split_part(claimed_by, '/', 2) as pid, count(*)::int as batches,
					extract(epoch from min(finished_at) - ${slot}::timestamptz)::float8 as first_s, extract(epoch from max(finished_at) - ${slot}::timestamptz)::float8 as last_s
				from collection_batches where job = 'dockerhub' and slot = ${slot}::timestamptz group by 1 order by 1`
		);
		console.log(`  batches per worker: ${split.map((w) => `pid ${w.pid}: ${w.batches} (ended ${Number(w.first_s).toFixed(1)}-${Number(w.last_s).toFixed(1)} s)`).join('; ')}`);
		const [row] = await queryRows<{ seconds: number }>(
			database.db,
			sql`select extract(epoch from max(finished_at) - ${slot}::timestamptz)::float8 as seconds from collection_batches where job = 'dockerhub' and slot = ${slot}::timestamptz`
		);
		return Number(row!.seconds);
	} finally {
		for (const p of processes) p.child.kill('SIGTERM');
		await Promise.all(processes.map((p) => p.closed));
	}
}

export async function runWorkerBench(admin: string, images = 1000, latencyMs = 50): Promise<WorkerBenchResults> {
	await runAdmin(admin, `drop database if exists ${databaseName} with (force)`);
	await runAdmin(admin, `create database ${databaseName}`);
	const url = benchUrl(admin).replace(/\/[^/]*$/, `/${databaseName}`);
	const database = await openDatabase({ kind: 'postgres', url });
	const replay = await ReplayServer.start({ latencyMs });
	try {
		await applyMigrations(database);
		for (let i = 0; i < images; i++) {
			const name = `image${i}`;
			await upsertTarget(database.db, { source: 'dockerhub', key: `bench/${name}`, displayName: name });
			replay.route(`/v2/namespaces/bench/repositories/${name}`, { body: { name, namespace: 'bench', pull_count: 1_000_000 + i, star_count: i } });
		}
		const env = { DATABASE_URL: url, DOCKERHUB_API_URL: replay.url };
		const config = loadConfig(env);
		const first = await getCollector('dockerhub')!.run(database.db, config);
		if (first.status !== 'ok') throw new Error(`the first collection ended ${first.status}`);
		const oneWorkerSeconds = await measureTick(database, env, 1);
		console.log(`  one worker: ${images} images in ${oneWorkerSeconds.toFixed(1)} s`);
		const twoWorkersSeconds = await measureTick(database, env, 2);
		const ratio = twoWorkersSeconds / oneWorkerSeconds;
		const loadAverage = loadavg()[0]!;
		console.log(`  two workers: ${images} images in ${twoWorkersSeconds.toFixed(1)} s, ${ratio.toFixed(2)}x the time of one (target <= ${sharedTickTargetRatio}); load average ${loadAverage.toFixed(1)}`);
		return { images, latencyMs, concurrency: config.collectConcurrency, batchSize: config.collectBatchSize, oneWorkerSeconds, twoWorkersSeconds, ratio, loadAverage };
	} finally {
		await replay.close();
		await database.close();
		await runAdmin(admin, `drop database if exists ${databaseName} with (force)`);
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	console.log('== Docker Hub tick shared by worker processes (replay server, PostgreSQL)');
	runWorkerBench(adminUrl(process.env)).catch((error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exitCode = 1;
	});
}
