import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startScheduler, type JobContext, type ScheduledJob } from '../../jobs/scheduler.js';
import { loadConfig } from '../../src/lib/server/config.js';
import { openDatabase, type Database } from '../../src/lib/server/db/client.js';
import { testBackends } from '../helpers/databases.js';
import { log } from '../../src/lib/server/telemetry/log.js';

/**
 * The clock is fake (ticks come from vi.advanceTimersByTimeAsync); the database is real, so between
 * ticks the test lets pending I/O finish by turning the event loop, which the fake clock does not touch.
 */
// A tick may be missed on a loaded machine, so the counts below leave room for one or two.
async function settleIo(budgetMs = 40): Promise<void> {
	const end = performance.now() + budgetMs;
	while (performance.now() < end) await new Promise((resolve) => setImmediate(resolve));
}

async function advanceSeconds(seconds: number) {
	for (let s = 0; s < seconds * 4; s++) {
		await vi.advanceTimersByTimeAsync(250);
		await settleIo();
	}
}

describe.each(testBackends)('the scheduler on $name', (backend) => {
	let database: Database;
	let second: Database;
	const config = loadConfig({});
	const contextOf = (db: Database): JobContext => ({ config, db: db.db });

	beforeAll(async () => {
		database = await backend.open();
		// A second instance: its own connection pool to the same PostgreSQL database; with PGlite, which
		// one process owns, the same store.
		second = database.kind === 'postgres' ? await openDatabase({ kind: 'postgres', url: database.location }) : database;
	});
	afterAll(async () => {
		if (second !== database) await second.close();
		await database.close();
	});
	beforeEach(async () => {
		await database.db.execute(sql`delete from job_leases`);
		vi.useFakeTimers({ now: new Date('2026-11-28T10:00:00.000Z'), toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
		vi.spyOn(log, 'error').mockImplementation(() => {});
	});
	afterEach(() => {
		vi.useRealTimers();
		vi.restoreAllMocks();
	});

	it('runs each job on its cron expression and keeps going after a failure', async () => {
		const runs: string[] = [];
		const jobs: ScheduledJob[] = [
			{ name: 'steady', cron: '* * * * * *', run: async () => void runs.push('steady') },
			{
				name: 'flaky',
				cron: '*/2 * * * * *',
				run: async () => {
					runs.push('flaky');
					throw new Error('source down');
				}
			}
		];
		const schedules = startScheduler(contextOf(database), jobs);
		await advanceSeconds(6);
		await schedules.stop();
		expect(runs.filter((r) => r === 'steady').length).toBeGreaterThanOrEqual(4);
		expect(runs.filter((r) => r === 'flaky').length).toBeGreaterThanOrEqual(2);
		expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ job: 'flaky', err: new Error('source down') }), 'job flaky failed');
	});

	it('two instances on one database fire each tick once', async () => {
		const runs: string[] = [];
		const jobFor = (instance: string): ScheduledJob => ({
			name: 'tick',
			cron: '* * * * * *',
			run: async () => void runs.push(`${instance}@${new Date().toISOString()}`)
		});
		const a = startScheduler(contextOf(database), [jobFor('a')]);
		const b = startScheduler(contextOf(second), [jobFor('b')]);
		await advanceSeconds(8);
		await a.stop();
		await b.stop();
		const ticks = runs.map((r) => r.split('@')[1]);
		expect(runs.length).toBeGreaterThanOrEqual(5);
		expect(new Set(ticks).size).toBe(ticks.length);
	});

	it('never runs a job twice at once, even across instances', async () => {
		let running = 0;
		let maxRunning = 0;
		let started = 0;
		const slow: ScheduledJob = {
			name: 'slow',
			cron: '* * * * * *',
			run: async () => {
				started++;
				running++;
				maxRunning = Math.max(maxRunning, running);
				await new Promise((resolve) => setTimeout(resolve, 2_500));
				running--;
			}
		};
		const a = startScheduler(contextOf(database), [slow]);
		const b = startScheduler(contextOf(second), [slow]);
		await advanceSeconds(10);
		// stop() waits for the run in progress, whose wait is on the fake clock.
		const stopped = Promise.all([a.stop(), b.stop()]);
		await advanceSeconds(3);
		await stopped;
		expect(maxRunning).toBe(1);
		expect(started).toBeGreaterThanOrEqual(2);
		expect(started).toBeLessThanOrEqual(4);
	});

	it('stop() aborts the running job, waits for it to end and starts nothing after', async () => {
		const events: string[] = [];
		const waiting: ScheduledJob = {
			name: 'waiting',
			cron: '* * * * * *',
			run: (_context, signal) =>
				new Promise<void>((resolve) => {
					events.push('started');
					signal.addEventListener('abort', () => setImmediate(() => (events.push('ended'), resolve())), { once: true });
				})
		};
		const schedules = startScheduler(contextOf(database), [waiting]);
		await advanceSeconds(2);
		expect(events).toEqual(['started']);
		expect(schedules.listRunning()).toEqual(['waiting']);
		await schedules.stop();
		expect(events).toEqual(['started', 'ended']);
		expect(schedules.listRunning()).toEqual([]);
		await advanceSeconds(3);
		expect(events).toEqual(['started', 'ended']);
	});
});
