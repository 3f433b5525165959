import fc from 'fast-check';
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { buildReportMessage, buildReportText } from '../../src/lib/server/report-schedules/message.js';
import { computeSchedulePeriod } from '../../src/lib/server/report-schedules/period.js';
import { findCronProblem, findLatestTick, findNextTick } from '../../src/lib/server/report-schedules/ticks.js';
import type { ScheduledReportContent } from '../../src/lib/types/report-schedules.js';

const at = (iso: string) => Date.parse(iso);

describe('the period a scheduled report covers, as of its tick', () => {
	// Monday 2026-12-07 08:00 UTC.
	const monday = at('2026-12-07T08:00:00Z');
	it.each([
		['last-7-days', { kind: 'dates', from: '2026-11-30', to: '2026-12-06' }],
		['last-30-days', { kind: 'dates', from: '2026-11-07', to: '2026-12-06' }],
		['month-to-date', { kind: 'dates', from: '2026-12-01', to: undefined }],
		['year-to-date', { kind: 'dates', from: '2026-01-01', to: undefined }],
		['previous-month', { kind: 'dates', from: '2026-11-01', to: '2026-11-30' }]
	] as const)('%s', (preset, period) => {
		expect(computeSchedulePeriod(preset, monday)).toEqual(period);
	});

	it('crosses years and leap days', () => {
		expect(computeSchedulePeriod('previous-month', at('2028-03-01T00:00:00Z'))).toEqual({ kind: 'dates', from: '2028-02-01', to: '2028-02-29' });
		expect(computeSchedulePeriod('previous-month', at('2027-01-15T12:00:00Z'))).toEqual({ kind: 'dates', from: '2026-12-01', to: '2026-12-31' });
		expect(computeSchedulePeriod('last-7-days', at('2027-01-03T23:59:00Z'))).toEqual({ kind: 'dates', from: '2026-12-27', to: '2027-01-02' });
	});
});

describe('the ticks of a schedule', () => {
	it('finds the latest tick since the last look, and none when the cron has not fired since', () => {
		const mondays = '0 8 * * 1';
		expect(findLatestTick(mondays, at('2026-12-07T07:00:00Z'), at('2026-12-07T08:00:30Z'))).toBe(at('2026-12-07T08:00:00Z'));
		expect(findLatestTick(mondays, at('2026-12-07T08:00:00Z'), at('2026-12-07T09:00:00Z'))).toBeUndefined();
		// Three Mondays missed: only the latest is sent.
		expect(findLatestTick(mondays, at('2026-11-01T00:00:00Z'), at('2026-12-08T00:00:00Z'))).toBe(at('2026-12-07T08:00:00Z'));
	});

	it('names the next tick from now', () => {
		const next = findNextTick('0 8 * * 1')!;
		expect(next).toBeGreaterThan(Date.now());
		expect(next - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
		expect(new Date(next).toISOString()).toMatch(/T08:00:00\.000Z$/);
		expect(new Date(next).getUTCDay()).toBe(1);
	});

	it('finds the same tick as trying every minute of the week, for any expression and window', () => {
		const field = (values: fc.Arbitrary<string>) => fc.oneof(fc.constant('*'), values);
		const expression = fc
			.tuple(
				fc.integer({ min: 0, max: 59 }).map(String),
				field(fc.oneof(fc.integer({ min: 0, max: 23 }).map(String), fc.constantFrom('*/2', '*/6', '8-17', '0,12'))),
				field(fc.oneof(fc.integer({ min: 1, max: 31 }).map(String), fc.constantFrom('1-7', '28-31'))),
				field(fc.integer({ min: 1, max: 12 }).map(String)),
				field(fc.oneof(fc.integer({ min: 0, max: 6 }).map(String), fc.constantFrom('1-5', '0,6')))
			)
			.map((fields) => fields.join(' '))
			// An impossible date (31 April) is refused when a schedule is saved.
			.filter((text) => cron.validate(text));
		const bruteForce = (text: string, afterMs: number, upToMs: number) => {
			const task = cron.createTask(text, () => {}, { timezone: 'UTC' });
			try {
				for (let t = Math.floor(upToMs / 60_000) * 60_000; t > Math.max(afterMs, upToMs - 7 * 86_400_000); t -= 60_000) if (task.match(new Date(t))) return t;
				return undefined;
			} finally {
				void task.destroy();
			}
		};
		const instant = fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2028-12-31T00:00:00Z') });
		fc.assert(
			fc.property(expression, instant, fc.integer({ min: 0, max: 10 * 86_400_000 }), (text, upToMs, spanMs) => {
				expect(findLatestTick(text, upToMs - spanMs, upToMs)).toBe(bruteForce(text, upToMs - spanMs, upToMs));
			}),
			{ numRuns: 40, seed: 20_261_201 }
		);
	});

	it('looks back a week at most', () => {
		const firstOfMonth = '0 6 1 * *';
		expect(findLatestTick(firstOfMonth, 0, at('2026-12-05T00:00:00Z'))).toBe(at('2026-12-01T06:00:00Z'));
		expect(findLatestTick(firstOfMonth, 0, at('2026-12-09T00:00:00Z'))).toBeUndefined();
	});

	it.each([
		['0 8 * * 1', undefined],
		['30 */6 * * *', undefined],
		['* * * * *', 'a report is sent at most once an hour'],
		['*/30 * * * *', 'a report is sent at most once an hour'],
		['0 0 8 * * 1', 'expected five fields'],
		['0 25 * * *', 'is not a valid cron expression'],
		['every monday', 'expected five fields']
	])('%s: %s', (expression, problem) => {
		const found = findCronProblem(expression);
		if (problem === undefined) expect(found).toBeUndefined();
		else expect(found).toContain(problem);
	});
});

const content: ScheduledReportContent = {
	scheduleName: 'Weekly',
	period: { preset: 'last-7-days', start: '2026-11-30T00:00:00.000Z', end: '2026-12-06T23:59:59.999Z', label: '2026-11-30 to 2026-12-06' },
	rows: [
		{
			series: 'github:moby/moby:stars',
			target: 'github:moby/moby',
			targetName: 'moby/moby',
			metric: 'stars',
			start: null,
			end: null,
			change: 70,
			growthPercent: 7,
			multiplier: 1.07,
			cagrPercent: null,
			previousGrowthPercent: null,
			method: 'nearest on or before',
			citations: [],
			warnings: [],
			statement: 'moby/moby stars grew 7% from 1,000 on 2026-11-30 to 1,070 on 2026-12-06',
			isPublishedPercentOnly: false,
			publishedPeriod: null
		}
	],
	etas: [{ series: 'github:moby/moby:stars', value: 2_000, date: '2027-05-01', earliest: '2027-03-01', latest: null }],
	anomalies: [{ series: 'github:moby/moby:stars', day: '2026-12-03', kind: 'spike', score: 12.34 }],
	warnings: ['series: no series github:gone/repo:stars']
};

describe('what a scheduled report says', () => {
	it('gives the period, the statements, the milestone ETAs, the anomalies and the warnings as text', () => {
		expect(buildReportText(content)).toBe(
			[
				'Dockpulse report "Weekly": 2026-11-30 to 2026-12-06',
				'',
				'Growth',
				'- moby/moby stars grew 7% from 1,000 on 2026-11-30 to 1,070 on 2026-12-06',
				'',
				'Milestones (forecast)',
				'- github:moby/moby:stars: 2,000 expected 2027-05-01 (80%: 2027-03-01 to beyond 3 years)',
				'',
				'Anomalies (days whose change stands out of the 56 before)',
				'- github:moby/moby:stars: spike on 2026-12-03 (score 12.3)',
				'',
				'Warnings',
				'- series: no series github:gone/repo:stars'
			].join('\n')
		);
	});

	it('sends webhooks the whole content as JSON (or Slack text) under one delivery id', () => {
		const message = buildReportMessage({ sendId: 9, scheduleId: 3, tickMs: at('2026-12-07T08:00:00Z'), content });
		expect(message.deliveryId).toBe('report-send-9');
		expect(message.subject).toBe('Dockpulse report "Weekly": 2026-11-30 to 2026-12-06');
		expect(message.buildWebhookBody('slack')).toEqual({ text: message.text });
		expect(message.buildWebhookBody('json')).toMatchObject({ kind: 'report', schedule: { id: 3, name: 'Weekly' }, sendId: 9, tickAt: '2026-12-07T08:00:00.000Z', report: content });
	});
});
