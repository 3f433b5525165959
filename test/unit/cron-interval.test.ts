import { describe, expect, it } from 'vitest';
import { getScheduleIntervalMs } from '../../jobs/cron-interval.js';

describe('the interval of a cron schedule', () => {
	it('is the time between its next two runs, the same when asked again (kept until the next run)', () => {
		expect(getScheduleIntervalMs('*/15 * * * *')).toBe(15 * 60_000);
		expect(getScheduleIntervalMs('5 * * * *')).toBe(3_600_000);
		expect(getScheduleIntervalMs('40 2 * * *')).toBe(86_400_000);
		for (const expression of ['*/15 * * * *', '5 * * * *', '40 2 * * *']) {
			expect(getScheduleIntervalMs(expression)).toBe(getScheduleIntervalMs(expression));
		}
	});

	it('refuses an expression that is not cron', () => {
		expect(() => getScheduleIntervalMs('every hour')).toThrow();
	});
});
