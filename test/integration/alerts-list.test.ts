import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../src/lib/server/alerts/evaluate.js';
import { listAlertHistory, listRuleViews } from '../../src/lib/server/alerts/list.js';
import { alertRuleInput, insertAlertRule } from '../../src/lib/server/alerts/rule-input.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';

const t0 = Date.UTC(2026, 5, 1);
const address = 'analyst.team@example.com';

describe.each(testBackends)('alert rules and history as readers see them on $name', (backend) => {
	let database: Database;

	beforeAll(async () => {
		database = await backend.open();
		await seedSeries(database.db, 'listing/one', 'stars', [['2026-05-31T00:00:00Z', 1500]]);
		const rule = { name: 'over 1k', scope: 'github:listing/one:stars', condition: { kind: 'threshold', op: 'above', value: 1000 } };
		await insertAlertRule(database.db, alertRuleInput.parse({ ...rule, channels: { emails: [address], webhooks: [{ url: 'https://hooks.example.com/T0/secret-path' }] } }));
		await evaluateAlerts(database.db, t0);
		// Evaluation queues the deliveries (nothing is sent here). A mail server's refusal quotes the recipient:
		const refusal = JSON.stringify([{ at: new Date(t0).toISOString(), ok: false, detail: `550 5.1.1 <${address}>: Recipient address rejected` }]);
		await database.db.execute(sql`update alert_deliveries set log = ${refusal}::jsonb where channel = 'email'`);
	});
	afterAll(() => database?.close());

	it('masks e-mail addresses, in rules and in the delivery log, for readers without write rights', async () => {
		const [rule] = await listRuleViews(database.db, { hasWriteRights: false }, 10_000);
		expect(rule!.channels).toEqual({ emails: ['a***@example.com'], webhooks: [{ url: 'https://hooks.example.com/…', format: 'json' }] });
		const history = await listAlertHistory(database.db, { limit: 10 }, { hasWriteRights: false });
		const email = history[0]!.deliveries.find((d) => d.channel === 'email')!;
		expect(email).toMatchObject({ destination: 'a***@example.com', lastDetail: '550 5.1.1 <a***@example.com>: Recipient address rejected' });
		expect(JSON.stringify(history)).not.toContain('analyst.team');
		expect(JSON.stringify(history)).not.toContain('secret-path');
	});

	it('shows them in full to readers who could change the rules; webhook paths to nobody', async () => {
		const [rule] = await listRuleViews(database.db, { hasWriteRights: true }, 10_000);
		expect(rule!.channels).toEqual({ emails: [address], webhooks: [{ url: 'https://hooks.example.com/…', format: 'json' }] });
		const history = await listAlertHistory(database.db, { limit: 10 }, { hasWriteRights: true });
		expect(history[0]!.deliveries.find((d) => d.channel === 'email')).toMatchObject({ destination: address, lastDetail: expect.stringContaining(address) });
		expect(JSON.stringify(history)).not.toContain('secret-path');
	});

	it('says how many series a pattern rule matches and how many an evaluation judges past the cap', async () => {
		await seedSeries(database.db, 'listing/two', 'stars', [['2026-05-31T00:00:00Z', 10]]);
		await seedSeries(database.db, 'listing/three', 'stars', [['2026-05-31T00:00:00Z', 10]]);
		const pattern = { name: 'listing stars', scope: 'github:listing/*:stars', condition: { kind: 'threshold', op: 'above', value: 1000 } };
		const id = await insertAlertRule(database.db, alertRuleInput.parse({ ...pattern, channels: { emails: [], webhooks: [] } }));
		const views = async (cap: number) => Object.fromEntries((await listRuleViews(database.db, { hasWriteRights: true }, cap)).map((r) => [r.id, r.patternSeries]));
		expect((await views(10_000))[id]).toEqual({ matched: 3, evaluated: 3 });
		expect((await views(2))[id]).toEqual({ matched: 3, evaluated: 2 });
		// A rule on one series has no pattern to count.
		expect(Object.values(await views(2)).filter((p) => p === null)).toHaveLength(1);
	});
});
