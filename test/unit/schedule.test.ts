import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSchedules, type JobContext, type ScheduledJob } from '../../jobs/schedule.js';
import { loadConfig } from '../../src/lib/server/config.js';

// The jobs here never touch the database; a context with a config is all they receive.
const context = { config: loadConfig({}), db: undefined } as unknown as JobContext;

describe('the scheduler', () => {
	beforeEach(() => {
		vi.useFakeTimers({ now: new Date('2026-11-28T10:00:00.000Z') });
		vi.spyOn(console, 'error').mockImplementation(() => {});
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
		const schedules = startSchedules(context, jobs);
		await vi.advanceTimersByTimeAsync(6_100);
		await schedules.stop();
		expect(runs.filter((r) => r === 'steady').length).toBeGreaterThanOrEqual(5);
		expect(runs.filter((r) => r === 'flaky').length).toBeGreaterThanOrEqual(2);
		expect(console.error).toHaveBeenCalledWith(expect.stringContaining('job flaky failed: Error: source down'));
	});

	it('never runs a job twice at once: a tick that finds it busy is skipped', async () => {
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
		const schedules = startSchedules(context, [slow]);
		await vi.advanceTimersByTimeAsync(9_100);
		await schedules.stop();
		expect(maxRunning).toBe(1);
		expect(started).toBeGreaterThanOrEqual(2);
		expect(started).toBeLessThanOrEqual(4);
	});
});
