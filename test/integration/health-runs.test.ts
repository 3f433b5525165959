import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCollectionHealth } from '../../jobs/health/runs.js';
import { loadConfig } from '../../src/lib/server/config.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { testBackends } from '../helpers/databases.js';

const now = new Date('2026-11-28T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000).toISOString();

describe.each(testBackends)('collection health on $name', (backend) => {
	let database: Database;
	const addRun = (collector: string, startedHoursAgo: number, status: string) =>
		database.db.execute(sql`insert into collection_runs (collector, started_at, finished_at, status, targets_done, requests_made)
			values (${collector}, ${hoursAgo(startedHoursAgo)}::timestamptz, ${hoursAgo(startedHoursAgo - 0.01)}::timestamptz, ${status}, 3, 5)`);

	beforeAll(async () => {
		database = await backend.open();
		// Docker Hub (hourly): fine an hour ago. GitHub (hourly): last success 3 hours ago, failing since.
		// Contributors (daily): succeeded 20 hours ago. Ecosystem (daily): never ran.
		for (let h = 12; h >= 1; h--) await addRun('dockerhub', h, 'ok');
		await addRun('github', 3, 'partial');
		await addRun('github', 2, 'failed');
		await addRun('github', 1, 'failed');
		await addRun('github-contributors', 20, 'ok');
	});
	afterAll(() => database.close());

	it('warns about a source with no success for longer than twice its schedule', async () => {
		const health = await getCollectionHealth(database.db, loadConfig({}), now);
		const byName = Object.fromEntries(health.map((h) => [h.collector, h]));
		expect(byName.dockerhub).toMatchObject({ intervalMs: 3_600_000, isOverdue: false, lastSuccessAt: expect.stringMatching(/^2026-11-28T11:00:36/) });
		expect(byName.github).toMatchObject({ isOverdue: true, lastSuccessAt: expect.stringMatching(/^2026-11-28T09:00:36/) });
		expect(byName['github-contributors']).toMatchObject({ intervalMs: 86_400_000, isOverdue: false });
		expect(byName.ecosystem).toMatchObject({ isOverdue: false, lastSuccessAt: null, recentRuns: [] });
	});

	it('lists the most recent runs first, at most ten per collector', async () => {
		const health = await getCollectionHealth(database.db, loadConfig({}), now);
		const dockerhub = health.find((h) => h.collector === 'dockerhub')!;
		expect(dockerhub.recentRuns).toHaveLength(10);
		expect(dockerhub.recentRuns[0]).toMatchObject({ status: 'ok', startedAt: '2026-11-28T11:00:00.000Z', targetsDone: 3, requestsMade: 5 });
		const github = health.find((h) => h.collector === 'github')!;
		expect(github.recentRuns.map((r) => r.status)).toEqual(['failed', 'failed', 'partial']);
	});
});
