import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { insertReportSchedule } from '../../src/lib/server/db/queries/report-schedules.js';
import { deliverDue } from '../../src/lib/server/outbox/deliver.js';
import { reportScheduleInput, toScheduleRow } from '../../src/lib/server/report-schedules/input.js';
import { sendDueReports } from '../../src/lib/server/report-schedules/send-due.js';
import type { ScheduledReportContent } from '../../src/lib/types/report-schedules.js';
import { testBackends } from '../helpers/databases.js';
import { createTestDeliveryDeps } from '../helpers/delivery.js';
import { WebhookReceiver } from '../helpers/receiver.js';
import { seedSeries } from '../helpers/samples.js';

const dayMs = 86_400_000;
const at = (iso: string) => Date.parse(iso);
// Mondays at 08:00 UTC; 2026-12-07 is a Monday.
const mondayTick = at('2026-12-07T08:00:00Z');

describe.each(testBackends)('scheduled reports on $name', (backend) => {
	let database: Database;
	let receiver: WebhookReceiver;
	const sends = () =>
		queryRows<{ schedule_id: number; tick_ms: number; content: ScheduledReportContent }>(
			database.db,
			sql`select schedule_id, (extract(epoch from tick_at) * 1000)::float8 as tick_ms, content from report_sends order by id`
		);
	const deliveries = () => queryRows<{ status: string; attempts: number; channel: string }>(database.db, sql`select status, attempts, channel from report_deliveries order by id`);
	async function addSchedule(input: Record<string, unknown>, createdAt: string) {
		const parsed = reportScheduleInput.parse({ name: 'Weekly', series: ['github:sched/*:stars'], period: 'last-7-days', cron: '0 8 * * 1', channels: { webhooks: [{ url: receiver.url }] }, ...input });
		return insertReportSchedule(database.db, { ...toScheduleRow(parsed), createdAt: new Date(createdAt) });
	}

	beforeAll(async () => {
		database = await backend.open();
		receiver = await WebhookReceiver.start();
		// 1,000 stars on 2026-11-01, 10 more a day: 1,290 on 2026-11-30, 1,350 on 2026-12-06.
		const days = Array.from({ length: 40 }, (_, i): [string, number] => [new Date(at('2026-11-01T00:00:00Z') + i * dayMs).toISOString(), 1_000 + 10 * i]);
		await seedSeries(database.db, 'sched/repo', 'stars', days);
	});
	afterAll(async () => {
		await receiver.close();
		await database.close();
	});
	beforeEach(async () => {
		await database.db.execute(sql`delete from report_schedules`);
		receiver.received.length = 0;
	});

	it("sends a tick's report once, with the period's growth, statements and milestone ETAs, and nothing before the next tick", async () => {
		const id = await addSchedule({}, '2026-12-01T00:00:00Z');
		expect(await sendDueReports(database.db, mondayTick - 60_000)).toBe(0);
		// Two deliverers look at once (two instances): one send.
		const written = await Promise.all([sendDueReports(database.db, mondayTick + 30_000), sendDueReports(database.db, mondayTick + 45_000)]);
		expect(written.sort()).toEqual([0, 1]);
		expect(await sendDueReports(database.db, mondayTick + 3_600_000)).toBe(0);
		const [send, ...others] = await sends();
		expect(others).toEqual([]);
		expect(send).toMatchObject({ schedule_id: id, tick_ms: mondayTick });
		const { content } = send!;
		expect(content.period).toMatchObject({ preset: 'last-7-days', start: '2026-11-30T00:00:00.000Z', end: '2026-12-06T23:59:59.999Z' });
		// 2026-11-30: 1,290; 2026-12-06: 1,350.
		expect(content.rows).toEqual([expect.objectContaining({ series: 'github:sched/repo:stars', change: 60, statement: expect.stringContaining('from 1,290 on 2026-11-30 to 1,350 on 2026-12-06') })]);
		// The forecast sees 10 a day up to the tick's day: 2,000 is (2,000 - 1,360) / 10 = 64 days after 2026-12-07.
		// A steady 10 a day: no day stands out (and 40 days are too few to score anyway).
		expect(content.anomalies).toEqual([]);
		expect(content.etas).toEqual([expect.objectContaining({ series: 'github:sched/repo:stars', value: 2_000, date: new Date(at('2026-12-07T00:00:00Z') + 64 * dayMs).toISOString().slice(0, 10) })]);
		expect(await deliveries()).toEqual([{ status: 'pending', attempts: 0, channel: 'webhook' }]);
	});

	it('delivers the send through the outbox, retrying a failed webhook with the same delivery id', async () => {
		await addSchedule({ channels: { webhooks: [{ url: receiver.url, format: 'json' }] } }, '2026-12-01T00:00:00Z');
		await sendDueReports(database.db, mondayTick + 1_000);
		receiver.answerWith(500);
		expect(await deliverDue(database.db, createTestDeliveryDeps(), mondayTick + 2_000)).toMatchObject({ retrying: 1, sent: 0 });
		expect(await deliverDue(database.db, createTestDeliveryDeps(), mondayTick + 3_000)).toMatchObject({ retrying: 0, sent: 0 });
		expect(await deliverDue(database.db, createTestDeliveryDeps(), mondayTick + 10 * 60_000)).toMatchObject({ sent: 1 });
		expect(await deliveries()).toEqual([{ status: 'sent', attempts: 2, channel: 'webhook' }]);
		const ids = receiver.received.map((r) => r.headers['x-dockpulse-delivery']);
		expect(new Set(ids).size).toBe(1);
		expect(ids[0]).toMatch(/^report-send-\d+$/);
		expect(receiver.received[1]!.body).toMatchObject({ kind: 'report', schedule: { name: 'Weekly' }, tickAt: '2026-12-07T08:00:00.000Z', text: expect.stringContaining('Dockpulse report "Weekly": 2026-11-30 to 2026-12-06') });
	});

	it('catches up on the latest tick missed while no process ran, not on every one, and skips a disabled schedule', async () => {
		await addSchedule({ period: 'previous-month', cron: '0 6 * * *' }, '2026-11-20T00:00:00Z');
		await addSchedule({ name: 'Off', isEnabled: false }, '2026-11-20T00:00:00Z');
		// Down from 2026-12-01 to 2026-12-04 10:00: the 06:00 ticks of 12-01 to 12-04 were missed.
		expect(await sendDueReports(database.db, at('2026-12-04T10:00:00Z'))).toBe(1);
		const [send] = await sends();
		expect(send!.tick_ms).toBe(at('2026-12-04T06:00:00Z'));
		expect(send!.content.period).toMatchObject({ preset: 'previous-month', label: '2026-11-01 to 2026-11-30' });
	});

	it("names the period's anomalies: a day whose change stands out of the 56 before it", async () => {
		// 100 stars a day from 2026-09-01, and 1,000 on 2026-12-03 (a Thursday of the last 7 days).
		const start = at('2026-09-01T00:00:00Z');
		let value = 0;
		const days = Array.from({ length: 97 }, (_, i): [string, number] => {
			const dayMs = start + i * 86_400_000;
			value += dayMs === at('2026-12-03T00:00:00Z') ? 1_000 : 100;
			return [new Date(dayMs).toISOString(), value];
		});
		await seedSeries(database.db, 'spiky/repo', 'stars', days);
		await addSchedule({ series: ['github:spiky/repo:stars'] }, '2026-12-01T00:00:00Z');
		await sendDueReports(database.db, mondayTick);
		const [send] = await sends();
		expect(send!.content.anomalies).toEqual([{ series: 'github:spiky/repo:stars', day: '2026-12-03', kind: 'spike', score: expect.any(Number) }]);
		expect(send!.content.anomalies[0]!.score).toBeGreaterThan(3.5);
	});

	it('still sends a report whose series went missing, saying so', async () => {
		await addSchedule({ series: ['github:sched/gone:stars'] }, '2026-12-01T00:00:00Z');
		await sendDueReports(database.db, mondayTick);
		const [send] = await sends();
		expect(send!.content.rows).toEqual([]);
		expect(send!.content.warnings).toEqual([expect.stringContaining('github:sched/gone:stars')]);
	});
});
