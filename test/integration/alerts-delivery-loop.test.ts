import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCollection } from '../../jobs/index.js';
import { deliverAllDue, deliverDue } from '../../src/lib/server/outbox/deliver.js';
import { evaluateAlerts } from '../../src/lib/server/alerts/evaluate.js';
import { alertRuleInput, insertAlertRule } from '../../src/lib/server/alerts/rule-input.js';
import { loadConfig } from '../../src/lib/server/config.js';
import { openDatabase, queryRows, type Database } from '../../src/lib/server/db/client.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';
import { waitUntil } from '../helpers/process-control.js';
import { TricklingReceiver, WebhookReceiver } from '../helpers/receiver.js';
import { ReplayServer } from '../helpers/replay-server.js';
import { createTestDeliveryDeps } from '../helpers/delivery.js';
import { seedSeries } from '../helpers/samples.js';

/**
 * Notifications leave the collection path: a collection run only evaluates (which queues deliveries
 * in the outbox), and the delivery loop sends them, each attempt within a hard deadline. Real HTTP
 * receivers, among them one that answers a byte a second; real schedules with real timers.
 */

const t0 = Date.UTC(2026, 5, 1);
const deps = createTestDeliveryDeps;

describe.each(testBackends)('the delivery loop on $name', (backend) => {
	let database: Database;
	let trickling: TricklingReceiver;
	const cleanups: (() => Promise<unknown>)[] = [];
	const deliveries = () =>
		queryRows<{ id: number; status: string; attempts: number; due_now: boolean; log: { ok: boolean; detail: string }[] }>(
			database.db,
			sql`select id, status, attempts, next_attempt_at <= now() as due_now, log from alert_deliveries order by id`
		);
	const countFinishedRuns = async () =>
		Number(
			(await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from collection_runs where collector = 'dockerhub' and status = 'ok'`))[0]!.n
		);

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(async () => {
		await database.close();
	});
	beforeEach(async () => {
		trickling = await TricklingReceiver.start(1_000);
		cleanups.push(() => trickling.close());
	});
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
		await database.db.execute(sql`delete from alert_rules`);
		await database.db.execute(sql`delete from targets`);
		await database.db.execute(sql`delete from collection_runs`);
		await database.db.execute(sql`delete from job_leases`);
	});

	it('a webhook that trickles a byte a second delays no collection run; stopping gives the delivery back', async () => {
		const replay = await ReplayServer.start();
		cleanups.push(() => replay.close());
		replay.route('/v2/namespaces/library/repositories/alpine', {
			body: { name: 'alpine', namespace: 'library', pull_count: 10, star_count: 1, last_updated: '2026-01-01T00:00:00Z' }
		});
		await upsertTarget(database.db, { source: 'dockerhub', key: 'library/alpine', displayName: 'library/alpine' });
		await insertAlertRule(
			database.db,
			alertRuleInput.parse({ name: 'pulled', scope: 'dockerhub:library/alpine:pulls', condition: { kind: 'threshold', op: 'above', value: 5 }, channels: { webhooks: [{ url: trickling.url }] } })
		);
		const never = '0 0 1 1 *';
		const config = loadConfig({
			DOCKERHUB_API_URL: replay.url,
			DOCKERHUB_CRON: '* * * * * *',
			GITHUB_CRON: never,
			GITHUB_CONTRIBUTORS_CRON: never,
			ECOSYSTEM_CRON: never,
			BACKFILL_CRON: never,
			ALERTS_CRON: never,
			ALLOW_PRIVATE_WEBHOOKS: 'true',
			WEBHOOK_TIMEOUT_MS: '120000'
		});
		const collection = startCollection({ config, db: database.db }, { schedule: true, catchUp: false });
		let isStopped = false;
		cleanups.push(async () => void (isStopped || (await collection.stop())));

		// The first run's samples fire the rule; the loop starts sending to the trickling receiver.
		await waitUntil(() => trickling.deliveryIds.length === 1, 'the notification to reach the receiver');
		const runsWhenSending = await countFinishedRuns();
		await waitUntil(async () => (await countFinishedRuns()) >= runsWhenSending + 2, 'two more collection runs', 30_000);
		// Those runs ended and started while the answer was still trickling in.
		expect(trickling.openConnections).toBe(1);
		expect(trickling.answered).toBe(0);
		expect(collection.listRunning()).toContain('alert deliveries');

		await collection.stop();
		isStopped = true;
		await waitUntil(() => trickling.openConnections === 0, 'the delivery connection to close');
		// Given back: not counted as an attempt, due at once for the next process, sent once so far.
		const [delivery] = await deliveries();
		expect(delivery).toMatchObject({ status: 'pending', attempts: 0, due_now: true });
		expect(delivery!.log).toEqual([expect.objectContaining({ ok: false, detail: 'interrupted: the process is stopping' })]);
		expect(trickling.deliveryIds).toHaveLength(1);
	});

	it('cuts an attempt at its deadline, whatever trickles in, and retries it later', async () => {
		await seedSeries(database.db, 'notify/one', 'stars', [['2026-05-31T00:00:00Z', 1500]]);
		await insertAlertRule(
			database.db,
			alertRuleInput.parse({ name: 'over 1k', scope: 'github:notify/one:stars', condition: { kind: 'threshold', op: 'above', value: 1000 }, channels: { webhooks: [{ url: trickling.url }] } })
		);
		await evaluateAlerts(database.db, t0);
		expect(await deliverDue(database.db, deps({ webhookTimeoutMs: 300 }), t0)).toEqual({ sent: 0, failed: 0, retrying: 1, interrupted: 0 });
		await waitUntil(() => trickling.openConnections === 0, 'the cut connection to close');
		expect(trickling.answered).toBe(0);
		const [cut] = await deliveries();
		expect(cut).toMatchObject({ status: 'pending', attempts: 1 });
		expect(cut!.log.map((a) => a.detail)).toEqual(['no answer within 300 ms']);

		trickling.mode = 'answer';
		// Not before its backoff (30 s with the jitter at its middle), then sent.
		expect(await deliverDue(database.db, deps({ webhookTimeoutMs: 300 }), t0 + 29_000)).toMatchObject({ sent: 0, retrying: 0 });
		expect(await deliverDue(database.db, deps({ webhookTimeoutMs: 300 }), t0 + 30_000)).toMatchObject({ sent: 1 });
		expect((await deliveries())[0]).toMatchObject({ status: 'sent', attempts: 2 });
		expect(trickling.deliveryIds).toHaveLength(2);
		expect(new Set(trickling.deliveryIds).size).toBe(1);
	});

	it('two deliverers on one database send each notification once', async () => {
		const receiver = await WebhookReceiver.start();
		cleanups.push(() => receiver.close());
		for (let i = 0; i < 24; i++) await seedSeries(database.db, `crowd/r${i}`, 'stars', [['2026-05-31T00:00:00Z', 1500]]);
		await insertAlertRule(
			database.db,
			alertRuleInput.parse({ name: 'crowd', scope: 'github:crowd/*:stars', condition: { kind: 'threshold', op: 'above', value: 1000 }, channels: { webhooks: [{ url: receiver.url }] } })
		);
		await evaluateAlerts(database.db, Date.now());
		// A second deliverer: its own pool on PostgreSQL, as a second process has; PGlite admits one process.
		const other = database.kind === 'postgres' ? await openDatabase({ kind: 'postgres', url: database.location, poolMax: 4 }) : database;
		if (other !== database) cleanups.push(() => other.close());
		// Small batches, so that the two claim in turns rather than one taking all.
		const [a, b] = await Promise.all([deliverAllDue(database.db, deps(), { limit: 3 }), deliverAllDue(other.db, deps(), { limit: 3 })]);
		expect(a.sent + b.sent).toBe(24);
		expect(receiver.received).toHaveLength(24);
		expect(new Set(receiver.received.map((r) => r.headers['x-dockpulse-delivery'])).size).toBe(24);
		expect((await deliveries()).every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
	});
});
