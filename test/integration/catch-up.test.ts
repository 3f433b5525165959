import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runMissedJobs } from '../../jobs/catch-up.js';
import { createLeaseCoordinator } from '../../jobs/lease-coordinator.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { testBackends } from '../helpers/databases.js';
import { ReplayServer } from '../helpers/replay-server.js';
import { startServer } from '../helpers/server.js';

const hourMs = 3_600_000;
const now = Date.parse('2026-11-28T10:20:00.000Z');

describe.each(testBackends)('catching up on missed runs at start on $name', (backend) => {
	let database: Database;
	let runs: string[];
	const jobs = () => [
		{ name: 'hourly', cron: '5 * * * *', run: async () => void runs.push('hourly') },
		{ name: 'daily', cron: '30 4 * * *', run: async () => void runs.push('daily') }
	];

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());
	beforeEach(async () => {
		runs = [];
		await database.db.execute(sql`delete from job_leases`);
	});

	it('runs every job of a new store once, however many instances start together', async () => {
		const first = await runMissedJobs(database.db, jobs(), createLeaseCoordinator(database.db, 'a'), hourMs, now);
		const second = await runMissedJobs(database.db, jobs(), createLeaseCoordinator(database.db, 'b'), hourMs, now + 5_000);
		expect(first.sort()).toEqual(['daily', 'hourly']);
		expect(second).toEqual([]);
		expect(runs.sort()).toEqual(['daily', 'hourly']);
	});

	it('leaves a job alone whose last tick is within its interval, and catches up on one that missed a tick', async () => {
		// The hourly job last ran at 10:05 today; the daily one yesterday at 04:30, so today's 04:30 was missed.
		await database.db.execute(sql`insert into job_leases (job, slot, holder, expires_at) values
			('hourly', '2026-11-28T10:05:00Z', 'old', now()), ('daily', '2026-11-27T04:30:00Z', 'old', now())`);
		expect(await runMissedJobs(database.db, jobs(), createLeaseCoordinator(database.db, 'c'), hourMs, now)).toEqual(['daily']);
		expect(runs).toEqual(['daily']);
	});

	it('lets the next scheduled tick run after a catch-up', async () => {
		const coordinator = createLeaseCoordinator(database.db, 'd');
		await runMissedJobs(database.db, jobs(), coordinator, hourMs, now);
		expect(await coordinator.shouldRun('hourly:2026-11-28T11:05:00.000Z', hourMs)).toBe(true);
	});
});

describe('a new store started with the defaults', () => {
	it('collects at once instead of waiting for the first tick', async () => {
		const replay = await ReplayServer.start();
		const server = await startServer('pglite', {
			CATCH_UP_ON_START: 'true',
			DOCKERHUB_API_URL: replay.url,
			GITHUB_API_URL: replay.url,
			HTTP_MAX_RETRIES: '0'
		});
		try {
			const ranAll = async () => {
				const body = (await (await fetch(`${server.url}/api/collection`)).json()) as { collectors: { collector: string; recentRuns: unknown[] }[] };
				return body.collectors.every((c) => c.recentRuns.length > 0);
			};
			const deadline = Date.now() + 30_000;
			while (!(await ranAll()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
			expect(await ranAll()).toBe(true);
		} finally {
			await server.stop();
			await replay.close();
		}
	});
});
