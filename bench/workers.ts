/**
 * A scheduled Docker Hub tick over 1,000 images shared by worker processes on one PostgreSQL
 * database, against the replay server answering each request after 50 ms: one worker, then two, each
 * a real `npm run worker` whose Docker Hub cron fires twice, at two seconds both are up for. The first
 * tick of a fresh process runs code not yet compiled by V8's optimiser; the second is what a worker
 * that has run for a while (every hourly tick after its first) does. Target: two workers in <= 0.6x
 * the time of one, at the second tick; the first is reported beside it.
 *
 * A tick's time runs from the tick (node-cron fires it in every worker) to the end of its last batch,
 * read from the database: a worker with nothing left to claim polls once a second, so its run's end
 * says less. A first collection (in this process, not measured) creates every series, so that every
 * measured tick does the same work: one new sample per series.
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
	/** The second tick of the workers' processes, the one the target is for. */
	oneWorkerSeconds: number;
	twoWorkersSeconds: number;
	/** twoWorkersSeconds / oneWorkerSeconds. */
	ratio: number;
	/** The first tick after the processes start, for comparison. */
	firstTick: { oneWorkerSeconds: number; twoWorkersSeconds: number; ratio: number };
	/** The machine's 1-minute load average at the end: the workers share its CPUs with whatever else runs. */
	loadAverage: number;
}

const never = '0 0 1 1 *';
// Workers start in a few seconds on an idle machine; the margin is for a loaded one.
const startMarginMs = 45_000;
// One worker's tick takes about 7 s: the second tick comes long after the first has ended.
const tickGapMs = 25_000;

/**
 * Two instants `tickGapMs` apart, in one minute (so that a single six-field node-cron expression names
 * both and nothing else), the first at least startMarginMs from now, and that expression (UTC).
 */
function planTicks(nowMs: number): { ticks: [number, number]; cron: string } {
	let first = Math.ceil((nowMs + startMarginMs) / 1000) * 1000;
	const lastFirstSecond = 59 - tickGapMs / 1000;
	if (new Date(first).getUTCSeconds() > lastFirstSecond) first = Math.ceil(first / 60_000) * 60_000;
	const d = new Date(first);
	const seconds = `${d.getUTCSeconds()},${d.getUTCSeconds() + tickGapMs / 1000}`;
	return { ticks: [first, first + tickGapMs], cron: `${seconds} ${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} *` };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, deadlineMs: number): Promise<void> {
	while (!(await condition())) {
		if (Date.now() > deadlineMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Waits for the tick of `tickMs` to have every batch done; its seconds, from the tick to its last batch's end. */
async function timeTick(database: Database, tickMs: number): Promise<number> {
	const slot = new Date(tickMs).toISOString();
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
	console.log(`  ${slot}: batches per worker: ${split.map((w) => `pid ${w.pid}: ${w.batches} (ended ${Number(w.first_s).toFixed(1)}-${Number(w.last_s).toFixed(1)} s)`).join('; ')}`);
	return Math.max(...split.map((w) => Number(w.last_s)));
}

/**
 * Starts `workers` worker processes whose Docker Hub cron fires at two seconds, waits for both ticks'
 * batches to be done, stops the workers (SIGTERM) and returns each tick's seconds.
 */
async function measureTicks(database: Database, env: Record<string, string>, workers: number): Promise<{ first: number; second: number }> {
	const { ticks, cron } = planTicks(Date.now());
	const workerEnv = { ...env, DOCKERHUB_CRON: cron, GITHUB_CRON: never, GITHUB_CONTRIBUTORS_CRON: never, ECOSYSTEM_CRON: never, BACKFILL_CRON: never, ALERTS_CRON: never };
	const processes: SpawnedProcess[] = Array.from({ length: workers }, () => spawnNode(['--import', 'tsx', 'jobs/worker.ts'], workerEnv));
	try {
		const areReady = () => processes.every((p) => p.output().includes('scheduled job(s)'));
		await waitFor(areReady, `${workers} worker(s) to start before the first tick`, ticks[0] - 1_000);
		const first = await timeTick(database, ticks[0]);
		if (Date.now() > ticks[1]) throw new Error(`the first tick outlasted the second's start, ${tickGapMs / 1000} s later`);
		return { first, second: await timeTick(database, ticks[1]) };
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
		const one = await measureTicks(database, env, 1);
		console.log(`  one worker: ${images} images in ${one.first.toFixed(1)} s (first tick), ${one.second.toFixed(1)} s (second)`);
		const two = await measureTicks(database, env, 2);
		const ratio = two.second / one.second;
		const loadAverage = loadavg()[0]!;
		console.log(
			`  two workers: ${images} images in ${two.first.toFixed(1)} s (first tick, ${(two.first / one.first).toFixed(2)}x), ` +
				`${two.second.toFixed(1)} s (second, ${ratio.toFixed(2)}x the time of one; target <= ${sharedTickTargetRatio}); load average ${loadAverage.toFixed(1)}`
		);
		return {
			images,
			latencyMs,
			concurrency: config.collectConcurrency,
			batchSize: config.collectBatchSize,
			oneWorkerSeconds: one.second,
			twoWorkersSeconds: two.second,
			ratio,
			firstTick: { oneWorkerSeconds: one.first, twoWorkersSeconds: two.first, ratio: two.first / one.first },
			loadAverage
		};
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
