import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { crashedRunFailure } from '../../src/lib/server/crash-repair.js';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import type { CollectorHealth } from '../../src/lib/types/health.js';
import { startBuiltServer, useTestProcesses, withStore, type StoreEnv } from '../helpers/test-processes.js';
import { testBackends } from '../helpers/databases.js';
import { releasesPath, starsPath } from '../helpers/github-backfill.js';
import { signalAndWait, spawnTsx, waitForOutput, waitUntil } from '../helpers/process-control.js';
import { ReplayServer, type ReplayAnswer } from '../helpers/replay-server.js';

/**
 * Collection and backfill cut short, with real processes on the embedded store in a folder and on
 * PostgreSQL: killed with SIGKILL in the middle of their writes, each target's samples (and a backfill
 * page with its progress) are there whole or not at all, the run left open is closed as failed by the
 * next start, which also ends the dead process's scheduler lease so that collection goes on at once;
 * stopped with SIGTERM or SIGINT, the commands close their run as interrupted within 5 s.
 */

// Each test starts several processes that open the store (seconds each, more on a loaded machine).
const processTimeoutMs = 240_000;
const stopBoundMs = 5_000;

const imagePath = (name: string) => `/v2/namespaces/library/repositories/${name}`;
const imageAnswer = (name: string, pulls: number): ReplayAnswer => ({
	body: { name, namespace: 'library', pull_count: pulls, star_count: 7, last_updated: '2026-01-01T00:00:00Z' }
});

async function addTargets(store: StoreEnv, source: 'dockerhub' | 'github', keys: readonly string[]): Promise<void> {
	await withStore(store, async (database) => {
		for (const key of keys) await upsertTarget(database.db, { source, key, displayName: key });
	});
}

interface RunRow {
	id: number;
	collector: string;
	status: string;
	owner: string | null;
	failures: unknown[];
	targets_done: number;
}

const listRuns = (database: Database) =>
	queryRows<RunRow>(database.db, sql`select id, collector, status, owner, failures, targets_done from collection_runs order by id`);

/** Per Docker Hub target: how many samples it has, and whether it is marked collected (same transaction). */
const listTargetWrites = (database: Database) =>
	queryRows<{ key: string; samples: number; is_collected: boolean }>(
		database.db,
		sql`select t.key, count(s.ts)::int as samples, t.last_collected_at is not null as is_collected
			from targets t left join series se on se.target_id = t.id left join samples s on s.series_id = se.id
			where t.source = 'dockerhub' group by t.id order by t.key`
	);

async function readDockerHubHealth(url: string): Promise<CollectorHealth> {
	const response = await fetch(`${url}/api/collection`);
	const { collectors } = (await response.json()) as { collectors: CollectorHealth[] };
	return collectors.find((c) => c.collector === 'dockerhub')!;
}

describe.each(testBackends)('kill -9 during collection on $name', (backend) => {
	const { newStore, track, defer } = useTestProcesses();

	async function startReplay(latencyMs = 0): Promise<ReplayServer> {
		const replay = await ReplayServer.start({ latencyMs });
		defer(() => replay.close());
		return replay;
	}

	it('the server killed mid-run: each target whole or untouched; the next start closes the run as failed and collects again at once', async () => {
		const store = await newStore(backend.name);
		const names = Array.from({ length: 30 }, (_, i) => `image${String(i).padStart(2, '0')}`);
		await addTargets(store, 'dockerhub', names.map((name) => `library/${name}`));
		const replay = await startReplay(40);
		names.forEach((name, i) => replay.route(imagePath(name), imageAnswer(name, 1_000 + i)));
		// A tick every 2 s: the first run starts at once, and so does the next server's, unless a lease holds it.
		const env = { ...store.env, DOCKERHUB_API_URL: replay.url, GITHUB_API_URL: replay.url, RUN_SCHEDULES: 'true', DOCKERHUB_CRON: '*/2 * * * * *', COLLECT_CONCURRENCY: '3' };

		const first = await startBuiltServer(env, track);
		await waitUntil(() => replay.countRequests() >= 10, 'the collection to be under way');
		expect((await signalAndWait(first.server, 'SIGKILL')).code).toBeNull();

		// The schedules' other jobs (the backfills, with nothing to do here) may also have run before the
		// kill on a busy machine, or be running: only the Docker Hub job is judged.
		const listDockerHubRuns = async (database: Database) => (await listRuns(database)).filter((run) => run.collector === 'dockerhub');
		const left = await withStore(store, async (database) => ({
			runs: await listDockerHubRuns(database),
			leases: await queryRows<{ job: string }>(database.db, sql`select job from job_leases where expires_at > now() and job = 'dockerhub'`),
			writes: await listTargetWrites(database)
		}));
		expect(left.runs).toEqual([expect.objectContaining({ collector: 'dockerhub', status: 'running', owner: expect.stringContaining(`/${first.server.child.pid}/`) })]);
		expect(left.leases).toEqual([{ job: 'dockerhub' }]);
		for (const target of left.writes) expect(target).toEqual({ key: target.key, samples: target.is_collected ? 2 : 0, is_collected: target.is_collected });
		// Killed mid-run: not every target had been written.
		expect(left.writes.filter((t) => t.is_collected).length).toBeLessThan(names.length);

		const second = await startBuiltServer(env, track);
		expect(second.server.output()).toMatch(new RegExp(`runs closed as failed: [^;]*\\bdockerhub #${left.runs[0]!.id}\\b[^;]*; scheduler leases ended: [^\\n]*\\bdockerhub\\b`));
		await waitUntil(async () => (await readDockerHubHealth(second.url)).recentRuns.some((run) => run.status === 'ok'), 'a new Docker Hub run to succeed');
		const crashed = (await readDockerHubHealth(second.url)).recentRuns.find((run) => run.id === left.runs[0]!.id);
		expect(crashed).toMatchObject({ status: 'failed', failures: [crashedRunFailure] });
		expect(crashed!.finishedAt).not.toBeNull();
		expect((await signalAndWait(second.server, 'SIGTERM')).code).toBe(0);

		const after = await withStore(store, async (database) => ({ runs: await listDockerHubRuns(database), writes: await listTargetWrites(database) }));
		expect(after.runs.filter((run) => run.status === 'running')).toEqual([]);
		expect(after.runs.find((run) => run.status === 'ok')).toMatchObject({ collector: 'dockerhub', targets_done: names.length });
		for (const target of after.writes) expect(target.is_collected && target.samples >= 2 && target.samples % 2 === 0, target.key).toBe(true);
	}, processTimeoutMs);

	it('npm run backfill killed mid-run: pages stored with their progress only; the next run closes the run and resumes without reading a stored page again', async () => {
		const store = await newStore(backend.name);
		const key = 'crash/backfill';
		const pageCount = 12;
		await addTargets(store, 'github', [key]);
		const replay = await startReplay(60);
		replay.route(releasesPath(key, 1), { body: [] });
		replay.route(`/repos/${key}/commits?per_page=100&page=1`, { status: 409, body: { message: 'Git Repository is empty.' } });
		// Page p: 100 stars on day p of 2014, so the day's count is p * 100 and each page is one sample.
		for (let page = 1; page <= pageCount; page++) {
			const day = new Date(Date.UTC(2014, 0, page)).toISOString().slice(0, 10);
			const body = Array.from({ length: 100 }, (_, i) => ({ starred_at: `${day}T${String(Math.floor(i / 5)).padStart(2, '0')}:00:00Z` }));
			const headers: Record<string, string> = page < pageCount ? { link: `<${replay.url}${starsPath(key, page + 1)}>; rel="next"` } : {};
			replay.route(starsPath(key, page), { body, headers });
		}
		const env = { ...store.env, GITHUB_API_URL: replay.url, DOCKERHUB_API_URL: replay.url, HTTP_RETRY_BASE_MS: '1' };
		const args = ['--target', `github:${key}`];

		const first = track(spawnTsx('scripts/backfill.ts', args, env));
		await waitForOutput(first, `github:${key} stars page 4 stored`, 120_000);
		expect((await signalAndWait(first, 'SIGKILL')).code).toBeNull();

		const left = await withStore(store, async (database) => ({
			runs: await listRuns(database),
			state: (await queryRows<{ state: { starsNextPage: number } }>(database.db, sql`select metadata->'backfill' as state from targets where key = ${key}`))[0]!.state,
			stars: await queryRows<{ value: number }>(database.db, sql`select s.value from samples s join series se on se.id = s.series_id where se.metric = 'stars' order by s.ts`)
		}));
		expect(left.runs).toEqual([expect.objectContaining({ collector: 'github-backfill', status: 'running' })]);
		const storedPages = left.state.starsNextPage - 1;
		expect(storedPages).toBeGreaterThanOrEqual(4);
		expect(storedPages).toBeLessThan(pageCount);
		expect(left.stars.map((s) => s.value)).toEqual(Array.from({ length: storedPages }, (_, i) => (i + 1) * 100));

		const second = track(spawnTsx('scripts/backfill.ts', args, env));
		expect(await second.closed, second.output()).toBe(0);
		expect(second.output()).toContain(`runs closed as failed: github-backfill #${left.runs[0]!.id}`);
		expect(second.output()).toMatch(/github-backfill: ok, 1 target\(s\) advanced/);
		const after = await withStore(store, async (database) => ({
			runs: await listRuns(database),
			stars: await queryRows<{ value: number }>(database.db, sql`select s.value from samples s join series se on se.id = s.series_id where se.metric = 'stars' order by s.ts`)
		}));
		expect(after.runs.map((run) => [run.collector, run.status])).toEqual([
			['github-backfill', 'failed'], ['github-backfill', 'ok'], ['github-contributor-history', 'ok']
		]);
		expect(after.runs[0]!.failures).toEqual([crashedRunFailure]);
		expect(after.stars.map((s) => s.value)).toEqual(Array.from({ length: pageCount }, (_, i) => (i + 1) * 100));
		// Resumed after the last stored page: those were asked once, by the killed run.
		for (let page = 1; page <= storedPages; page++) expect(replay.countRequests(starsPath(key, page)), `page ${page}`).toBe(1);
	}, processTimeoutMs);
});

describe.each(testBackends)('stopping the commands on $name', (backend) => {
	const { newStore, track, defer } = useTestProcesses();

	it('npm run collect exits within 5 s of SIGTERM, its run closed as interrupted', async () => {
		const store = await newStore(backend.name);
		await addTargets(store, 'dockerhub', ['library/alpine', 'library/busybox', 'library/nginx']);
		const replay = await ReplayServer.start();
		defer(() => replay.close());
		replay.route(imagePath('alpine'), imageAnswer('alpine', 10)).route(imagePath('busybox'), { fault: 'hang' }).route(imagePath('nginx'), imageAnswer('nginx', 10));
		const env = { ...store.env, DOCKERHUB_API_URL: replay.url, COLLECT_CONCURRENCY: '1', HTTP_TIMEOUT_MS: '120000' };
		const collect = track(spawnTsx('scripts/collect.ts', ['--source', 'dockerhub'], env));
		await waitUntil(() => replay.countRequests(imagePath('busybox')) === 1, 'the request that never answers');
		const { code, elapsedMs } = await signalAndWait(collect, 'SIGTERM');
		expect(collect.output()).toContain('collect: SIGTERM, stopping');
		expect(collect.output()).toMatch(/dockerhub: interrupted, 1 target\(s\) collected, 0 failed/);
		expect(code, collect.output()).toBe(143);
		expect(elapsedMs).toBeLessThan(stopBoundMs);
		expect(replay.countRequests(imagePath('nginx'))).toBe(0);
		const runs = await withStore(store, listRuns);
		expect(runs.map((run) => [run.collector, run.status, run.targets_done])).toEqual([['dockerhub', 'interrupted', 1]]);
	}, processTimeoutMs);

	it('npm run backfill exits within 5 s of SIGINT, its run closed as interrupted and its pages kept', async () => {
		const store = await newStore(backend.name);
		const key = 'crash/stopped';
		await addTargets(store, 'github', [key]);
		const replay = await ReplayServer.start();
		defer(() => replay.close());
		const stars = Array.from({ length: 100 }, () => ({ starred_at: '2014-01-01T12:00:00Z' }));
		replay.route(releasesPath(key, 1), { body: [] });
		replay.route(starsPath(key, 1), { body: stars, headers: { link: `<${replay.url}${starsPath(key, 2)}>; rel="next"` } });
		replay.route(starsPath(key, 2), { fault: 'hang' });
		const env = { ...store.env, GITHUB_API_URL: replay.url, HTTP_TIMEOUT_MS: '120000' };
		const backfill = track(spawnTsx('scripts/backfill.ts', ['--target', `github:${key}`], env));
		await waitUntil(() => replay.countRequests(starsPath(key, 2)) === 1, 'the page that never comes');
		const { code, elapsedMs } = await signalAndWait(backfill, 'SIGINT');
		expect(code, backfill.output()).toBe(130);
		expect(elapsedMs).toBeLessThan(stopBoundMs);
		expect(backfill.output()).toMatch(/github-backfill: interrupted/);
		const left = await withStore(store, async (database) => ({
			runs: await listRuns(database),
			state: (await queryRows<{ state: { starsNextPage: number } }>(database.db, sql`select metadata->'backfill' as state from targets where key = ${key}`))[0]!.state
		}));
		// The contributor history, next in line, was not started.
		expect(left.runs.map((run) => [run.collector, run.status])).toEqual([['github-backfill', 'interrupted']]);
		expect(left.state.starsNextPage).toBe(2);
	}, processTimeoutMs);
});
