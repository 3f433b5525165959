/**
 * Collector throughput against the replay server, into a fresh PostgreSQL database:
 * - one Docker Hub cycle over 1,000 images, each request answered after 50 ms as a distant API would
 *   (target: <= 30 s, which needs concurrency);
 * - the requests one hourly GitHub cycle over 1,000 repositories makes (target: <= 50).
 */
import { getCollector, type CollectorEntry } from '../jobs/index.js';
import { loadConfig } from '../src/lib/server/config.js';
import { openDatabase } from '../src/lib/server/db/client.js';
import { applyMigrations } from '../src/lib/server/db/migrate.js';
import { upsertTarget } from '../src/lib/server/db/queries/targets.js';
import { ReplayServer } from '../harness/replay-server.js';
import { benchUrl, runAdmin } from './engines.js';

/** Runs one collector of the registry, as a scheduled tick would (without the alerts after it). */
function runCollector(name: string, ...args: Parameters<CollectorEntry['run']>) {
	const collector = getCollector(name);
	if (!collector) throw new Error(`no collector ${name} in jobs/registry.ts`);
	return collector.run(...args);
}

export const dockerHubCycleTargetSeconds = 30;
export const githubCycleRequestTarget = 50;
const databaseName = 'dockpulse_bench_collect';

export interface CollectorResults {
	images: number;
	latencyMs: number;
	concurrency: number;
	dockerHubCycleSeconds: number;
	requests: number;
	status: string;
	github: { repositories: number; requests: number; status: string; batchSize: number };
}

/** A GraphQL answer for a full batch: every alias r0..r(size-1) with plausible counters. */
function githubBatchAnswer(size: number) {
	const data: Record<string, unknown> = { rateLimit: { cost: 1, remaining: 4900, resetAt: '2026-11-28T12:00:00Z' } };
	for (let i = 0; i < size; i++) {
		data[`r${i}`] = {
			stargazerCount: 1000 + i,
			forkCount: 100 + i,
			watchers: { totalCount: 50 },
			issues: { totalCount: 10 },
			releases: { totalCount: 5 },
			latestRelease: { tagName: 'v1.0.0', publishedAt: '2026-11-01T00:00:00Z' }
		};
	}
	return { data };
}

async function runGithubCycle(database: Awaited<ReturnType<typeof openDatabase>>, replay: ReplayServer, repositories: number) {
	// Keys sort in batch order (github:bench/r0000...), so every batch is a full one answered alike.
	for (let i = 0; i < repositories; i++) {
		const key = `bench/r${String(i).padStart(4, '0')}`;
		await upsertTarget(database.db, { source: 'github', key, displayName: key });
	}
	// A token: the hourly cycle measured is the GraphQL one (without a token it is one REST request a repository).
	const config = loadConfig({ GITHUB_API_URL: replay.url, GITHUB_TOKEN: 'ghp_bench' });
	replay.route('/graphql', { body: githubBatchAnswer(config.github.batchSize) });
	const report = await runCollector('github', database.db, config);
	console.log(`  GitHub hourly cycle: ${repositories} repositories in ${report.requestsMade} requests (${report.status})`);
	return { repositories, requests: report.requestsMade, status: report.status, batchSize: config.github.batchSize };
}

export async function runCollectorBench(admin: string, images = 1000, latencyMs = 50): Promise<CollectorResults> {
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
			replay.route(`/v2/namespaces/bench/repositories/${name}`, {
				body: { name, namespace: 'bench', pull_count: 1_000_000 + i, star_count: i, last_updated: '2026-11-01T00:00:00Z' }
			});
		}
		const config = loadConfig({ DOCKERHUB_API_URL: replay.url });
		const startedAt = performance.now();
		const report = await runCollector('dockerhub', database.db, config);
		const seconds = (performance.now() - startedAt) / 1000;
		console.log(`  Docker Hub cycle: ${images} images in ${seconds.toFixed(1)} s (${report.status}, ${report.requestsMade} requests)`);
		const github = await runGithubCycle(database, replay, images);
		return {
			images,
			latencyMs,
			concurrency: config.collectConcurrency,
			dockerHubCycleSeconds: seconds,
			requests: report.requestsMade,
			status: report.status,
			github
		};
	} finally {
		await replay.close();
		await database.close();
		await runAdmin(admin, `drop database if exists ${databaseName} with (force)`);
	}
}
