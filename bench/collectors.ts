/**
 * Collector throughput: one Docker Hub cycle over 1,000 images against the replay server answering
 * each request after 50 ms, as a distant API would (target: <= 30 s, which needs concurrency), into a
 * fresh PostgreSQL database.
 */
import { collectDockerHub } from '../jobs/collectors/dockerhub/collect.js';
import { loadConfig } from '../src/lib/server/config.js';
import { openDatabase } from '../src/lib/server/db/client.js';
import { applyMigrations } from '../src/lib/server/db/migrate.js';
import { upsertTarget } from '../src/lib/server/db/queries/targets.js';
import { ReplayServer } from '../test/helpers/replay-server.js';
import { benchUrl, runAdmin } from './engines.js';

export const dockerHubCycleTargetSeconds = 30;
const databaseName = 'dockpulse_bench_collect';

export interface CollectorResults {
	images: number;
	latencyMs: number;
	concurrency: number;
	dockerHubCycleSeconds: number;
	requests: number;
	status: string;
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
		const report = await collectDockerHub(database.db, config);
		const seconds = (performance.now() - startedAt) / 1000;
		console.log(`  Docker Hub cycle: ${images} images in ${seconds.toFixed(1)} s (${report.status}, ${report.requestsMade} requests)`);
		return { images, latencyMs, concurrency: config.collectConcurrency, dockerHubCycleSeconds: seconds, requests: report.requestsMade, status: report.status };
	} finally {
		await replay.close();
		await database.close();
		await runAdmin(admin, `drop database if exists ${databaseName} with (force)`);
	}
}
