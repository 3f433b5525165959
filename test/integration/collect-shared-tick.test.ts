import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { collectDockerHub } from '../../jobs/collectors/dockerhub/collect.js';
import { describeCrashRepair, repairAfterCrash } from '../../src/lib/server/crash-repair.js';
import { queryRows } from '../../src/lib/server/db/client.js';
import { claimBatch, createTickBatches } from '../../src/lib/server/db/queries/batches.js';
import { formatProcessOwner, readBootId } from '../../src/lib/server/db/process-identity.js';
import { useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';
import { waitUntil } from '../helpers/process-control.js';
import { ReplayServer } from '../helpers/replay-server.js';

/**
 * A scheduled Docker Hub tick shared in batches (collection_batches) by the runs that join it, in one
 * process here (test/integration/shared-tick-workers.test.ts has separate processes): each image is
 * asked for once and each batch done once, a batch left by a claimer that is gone is finished by the
 * next one, a stopping run gives its batch back, a rate-limited one leaves the rest to others, and a
 * tick once done is never done again.
 */

const slot = new Date('2026-11-28T10:00:00Z');
const names = Array.from({ length: 20 }, (_, i) => `image${String(i).padStart(2, '0')}`);
const imagePath = (name: string) => `/v2/namespaces/bench/repositories/${name}`;
const imageAnswer = (name: string, i: number) => ({ body: { name, namespace: 'bench', pull_count: 1_000 + i, star_count: i } });

interface BatchRow {
	batch_index: number;
	state: string;
	attempts: number;
	claimed_by: string | null;
	target_count: number;
}

describe.each(testBackends)('a shared Docker Hub tick on $name', (backend) => {
	const h = useCollectorHarness(backend, { source: 'dockerhub', startAt: '2026-11-28T10:00:05Z', env: { COLLECT_BATCH_SIZE: '5', COLLECT_CONCURRENCY: '2' } });

	async function startTick(latencyMs = 5): Promise<ReplayServer> {
		await h.db.execute(sql`delete from collection_batches`);
		await h.addTargets(...names.map((name) => `bench/${name}`));
		const replay = await ReplayServer.start({ latencyMs });
		names.forEach((name, i) => replay.route(imagePath(name), imageAnswer(name, i)));
		return replay;
	}

	const listBatches = () =>
		queryRows<BatchRow>(h.db, sql`select batch_index, state, attempts, claimed_by, cardinality(target_ids) as target_count from collection_batches order by batch_index`);
	const countSamplesPerImage = () =>
		queryRows<{ key: string; samples: number; at_tick: number }>(
			h.db,
			sql`select t.key, count(s.ts)::int as samples, count(s.ts) filter (where s.ts = ${'2026-11-28T10:00:05Z'}::timestamptz)::int as at_tick
				from targets t join series se on se.target_id = t.id join samples s on s.series_id = se.id
				where t.source = 'dockerhub' group by t.key order by t.key`
		);

	it('two runs of one tick share its batches: each image asked once, each batch done once, one sample per series', async () => {
		const replay = await startTick();
		try {
			const config = h.config({ DOCKERHUB_API_URL: replay.url });
			const reports = await Promise.all([collectDockerHub(h.db, config, { ...h.options(), slot }), collectDockerHub(h.db, config, { ...h.options(), slot })]);
			for (const name of names) expect(replay.countRequests(imagePath(name)), name).toBe(1);
			const batches = await listBatches();
			expect(batches.map((b) => [b.batch_index, b.state, b.attempts, b.target_count])).toEqual([0, 1, 2, 3].map((i) => [i, 'done', 1, 5]));
			const recorded = reports.filter((r) => r.runId !== undefined);
			expect(recorded.length).toBeGreaterThanOrEqual(1);
			expect(recorded.reduce((sum, r) => sum + r.targetsDone, 0)).toBe(names.length);
			expect(recorded.every((r) => r.status === 'ok')).toBe(true);
			// pulls and stars, at the tick's time, once each.
			expect(await countSamplesPerImage()).toEqual(names.map((name) => ({ key: `bench/${name}`, samples: 2, at_tick: 2 })));

			// The tick is done: a late worker asks nothing and records no run.
			const late = await collectDockerHub(h.db, config, { ...h.options(), slot });
			expect(late).toMatchObject({ runId: undefined, targetsDone: 0, requestsMade: 0 });
			expect(replay.countRequests()).toBe(names.length);
			expect(await h.listRuns()).toHaveLength(recorded.length);
		} finally {
			await replay.close();
		}
	});

	it('a batch claimed by a process of this host that has ended, or by a lease that ran out, is finished by the next run of the tick', async () => {
		const replay = await startTick();
		try {
			const ids = await queryRows<{ id: number }>(h.db, sql`select id from targets where source = 'dockerhub' order by key`);
			const tick = { job: 'dockerhub', slot };
			await createTickBatches(h.db, tick, new Date('2026-11-28T10:00:05Z'), [0, 5, 10, 15].map((from) => ids.slice(from, from + 5).map((r) => r.id)));
			// A process of this host that has ended (its pid no longer runs), and one of another host whose lease ran out.
			const endedPid = spawnSync(process.execPath, ['-e', '']).pid!;
			const dead = formatProcessOwner({ host: hostname(), pid: endedPid, startTicks: '1', bootId: readBootId(), instance: 'a0a0a0' });
			const elsewhere = formatProcessOwner({ host: 'another-host', pid: 1, startTicks: '1', bootId: undefined, instance: 'b0b0b0' });
			expect((await claimBatch(h.db, tick, dead, 300_000))?.batchIndex).toBe(0);
			expect((await claimBatch(h.db, tick, elsewhere, 0))?.batchIndex).toBe(1);
			await waitUntil(async () => (await queryRows<{ n: number }>(h.db, sql`select count(*)::int as n from collection_batches where claimed_until < now()`))[0]!.n === 1, 'the lease to run out');

			const report = await collectDockerHub(h.db, h.config({ DOCKERHUB_API_URL: replay.url }), { ...h.options(), slot });
			expect(report).toMatchObject({ status: 'ok', targetsDone: names.length });
			const batches = await listBatches();
			expect(batches.map((b) => [b.state, b.attempts])).toEqual([['done', 2], ['done', 2], ['done', 1], ['done', 1]]);
			expect(new Set(batches.map((b) => b.claimed_by)).size).toBe(1);
			expect(batches[0]!.claimed_by).not.toBe(dead);
			for (const name of names) expect(replay.countRequests(imagePath(name)), name).toBe(1);
		} finally {
			await replay.close();
		}
	});

	it('crash repair at start gives back the batches of ended processes; on PostgreSQL those of other hosts wait for their lease', async () => {
		await startTick().then((replay) => replay.close());
		const ids = await queryRows<{ id: number }>(h.db, sql`select id from targets where source = 'dockerhub' order by key`);
		const tick = { job: 'dockerhub', slot };
		await createTickBatches(h.db, tick, new Date('2026-11-28T10:00:05Z'), [ids.slice(0, 10).map((r) => r.id), ids.slice(10).map((r) => r.id)]);
		const endedPid = spawnSync(process.execPath, ['-e', '']).pid!;
		const dead = formatProcessOwner({ host: hostname(), pid: endedPid, startTicks: '1', bootId: readBootId(), instance: 'a0a0a0' });
		const elsewhere = formatProcessOwner({ host: 'another-host', pid: 1, startTicks: '1', bootId: undefined, instance: 'b0b0b0' });
		await claimBatch(h.db, tick, dead, 300_000);
		await claimBatch(h.db, tick, elsewhere, 300_000);

		const repair = await repairAfterCrash(h.database);
		// The embedded store has one process: whatever is claimed was left by an earlier one.
		const isSole = backend.name === 'pglite';
		expect(repair.batchesReleased).toBe(isSole ? 2 : 1);
		expect(describeCrashRepair(repair)).toContain(`batches given back to other workers: ${isSole ? 2 : 1}`);
		expect((await listBatches()).map((b) => [b.state, b.claimed_by])).toEqual([['pending', null], isSole ? ['pending', null] : ['claimed', elsewhere]]);
	});

	it('a stopping run gives its batches back and closes as interrupted; the next run of the tick finishes them', async () => {
		const replay = await startTick(0);
		try {
			const config = h.config({ DOCKERHUB_API_URL: replay.url });
			// image02 (batch 0) and image07 (batch 1) are held: both request slots wait, and the run is
			// stopped then. Batch 1 is running because batch 0 had sent every request (the next batch is
			// claimed then); batch 2 is not, since batch 1 has not.
			for (const [name, i] of [['image02', 2], ['image07', 7]] as const) replay.route(imagePath(name), { ...imageAnswer(name, i), fault: 'hold' }, imageAnswer(name, i));
			const stopping = new AbortController();
			const first = collectDockerHub(h.db, config, { ...h.options(), slot, signal: stopping.signal });
			await waitUntil(() => replay.countRequests(imagePath('image02')) === 1 && replay.countRequests(imagePath('image07')) === 1, 'the held requests');
			stopping.abort();
			expect(await first).toMatchObject({ status: 'interrupted' });
			expect((await listBatches()).map((b) => [b.state, b.attempts])).toEqual([['pending', 1], ['pending', 1], ['pending', 0], ['pending', 0]]);

			const second = await collectDockerHub(h.db, config, { ...h.options(), slot });
			expect(second).toMatchObject({ status: 'ok', targetsDone: names.length });
			expect((await listBatches()).map((b) => [b.state, b.attempts])).toEqual([['done', 2], ['done', 2], ['done', 1], ['done', 1]]);
			expect(await countSamplesPerImage()).toEqual(names.map((name) => ({ key: `bench/${name}`, samples: 2, at_tick: 2 })));
		} finally {
			await replay.close();
		}
	});

	it('a worker rate limited for long finishes its batch without asking and claims no more; the next worker does the rest', async () => {
		const replay = await startTick(0);
		try {
			const config = h.config({ DOCKERHUB_API_URL: replay.url });
			replay.route(imagePath('image00'), { status: 429, headers: { 'retry-after': '3600' }, body: 'Too Many Requests (HAP429).' });
			const limited = await collectDockerHub(h.db, config, { ...h.options(), slot });
			expect(limited.failures.map((f) => f.kind)).toContain('rateLimited');
			expect(limited.targetsDone + limited.targetsFailed).toBe(5);
			expect((await listBatches()).map((b) => b.state)).toEqual(['done', 'pending', 'pending', 'pending']);
			for (const name of names.slice(5)) expect(replay.countRequests(imagePath(name)), name).toBe(0);

			const next = await collectDockerHub(h.db, config, { ...h.options(), slot });
			expect(next).toMatchObject({ status: 'ok', targetsDone: 15 });
			expect((await listBatches()).map((b) => b.state)).toEqual(['done', 'done', 'done', 'done']);
			for (const name of names.slice(5)) expect(replay.countRequests(imagePath(name)), name).toBe(1);
		} finally {
			await replay.close();
		}
	});

	it('a tick without targets is recorded once, as a run of nothing (the health page counts it)', async () => {
		await h.db.execute(sql`delete from collection_batches`);
		const replay = await ReplayServer.start();
		try {
			const config = h.config({ DOCKERHUB_API_URL: replay.url });
			const reports = await Promise.all([collectDockerHub(h.db, config, { ...h.options(), slot }), collectDockerHub(h.db, config, { ...h.options(), slot })]);
			expect(reports.filter((r) => r.runId !== undefined).map((r) => [r.status, r.targetsDone])).toEqual([['ok', 0]]);
			expect(await h.listRuns()).toHaveLength(1);
			expect((await listBatches()).map((b) => [b.state, b.target_count])).toEqual([['done', 0]]);
		} finally {
			await replay.close();
		}
	});

	it('a run without a tick (npm run collect) collects every target itself and plans no batch', async () => {
		const replay = await startTick(0);
		try {
			const report = await collectDockerHub(h.db, h.config({ DOCKERHUB_API_URL: replay.url }), h.options());
			expect(report).toMatchObject({ status: 'ok', targetsDone: names.length });
			expect(await listBatches()).toEqual([]);
		} finally {
			await replay.close();
		}
	});
});
