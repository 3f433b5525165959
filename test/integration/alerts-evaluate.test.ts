import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backtestRule } from '../../src/lib/server/alerts/backtest.js';
import { evaluateAlerts } from '../../src/lib/server/alerts/evaluate.js';
import { alertRuleInput, insertAlertRule } from '../../src/lib/server/alerts/rule-input.js';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';

const day = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(testBackends)('evaluating alert rules on $name', (backend) => {
	let database: Database;
	const addRule = (input: unknown) => insertAlertRule(database.db, alertRuleInput.parse(input));
	const addSample = (key: string, dayIndex: number, value: number) => seedSeries(database.db, key, 'stars', [[iso(t0 + dayIndex * day), value]]);
	const history = async () =>
		queryRows<{ scope: string; key: string; from_state: string; to_state: string; notify: string | null }>(
			database.db,
			sql`select r.scope, t.key, e.from_state, e.to_state, e.notify
				from alert_events e join alert_rules r on r.id = e.rule_id join series s on s.id = e.series_id join targets t on t.id = s.target_id
				order by e.id`
		);

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());
	beforeEach(async () => {
		await database.db.execute(sql`delete from alert_rules`);
		await database.db.execute(sql`delete from targets`);
	});

	it('evaluates a pattern that grew past the cap on its first series by id only, and reports the rule as capped', async () => {
		const ids = [];
		for (const name of ['a', 'b', 'c', 'd', 'e']) ids.push(await addSample(`capped/${name}`, 0, 5));
		await addSample('other/one', 0, 5);
		const ruleId = await addRule({ name: 'all stale', scope: 'github:capped/*:stars', condition: { kind: 'stale', maxAgeHours: 1 } });
		await addRule({ name: 'one stale', scope: 'github:other/one:stars', condition: { kind: 'stale', maxAgeHours: 1 } });
		const report = await evaluateAlerts(database.db, t0 + 2 * day, undefined, 3);
		expect(report.cappedRules).toEqual([{ ruleId, scope: 'github:capped/*:stars', matchedSeries: 5 }]);
		expect(report.alerts).toBe(4);
		const evaluated = await queryRows<{ series_id: number }>(database.db, sql`select series_id from alert_instances where rule_id = ${ruleId} order by series_id`);
		expect(evaluated.map((r) => Number(r.series_id))).toEqual([...ids].sort((a, b) => a - b).slice(0, 3));
		expect((await evaluateAlerts(database.db, t0 + 2 * day + 1, undefined, 5)).cappedRules).toEqual([]);
	});

	it('fires a threshold alert after its pending evaluations, repeats it, and resolves it', async () => {
		await addSample('alert/one', 0, 900);
		await addRule({ name: 'one over 1k', scope: 'github:alert/one:stars', condition: { kind: 'threshold', op: 'above', value: 1000 }, pendingEvaluations: 1, repeatIntervalMinutes: 60 });
		const at = (minutes: number) => t0 + day + minutes * 60_000;
		expect((await evaluateAlerts(database.db, at(0))).changes).toEqual([]);
		await addSample('alert/one', 1, 1200);
		expect((await evaluateAlerts(database.db, at(1))).changes).toEqual([expect.objectContaining({ from: 'normal', to: 'pending', notify: null })]);
		expect((await evaluateAlerts(database.db, at(2))).changes).toEqual([expect.objectContaining({ from: 'pending', to: 'firing', notify: 'firing', value: 1200 })]);
		expect((await evaluateAlerts(database.db, at(30))).changes).toEqual([]);
		expect((await evaluateAlerts(database.db, at(62))).changes).toEqual([expect.objectContaining({ from: 'firing', to: 'firing', notify: 'repeat' })]);
		await addSample('alert/one', 2, 800);
		expect((await evaluateAlerts(database.db, at(63))).changes).toEqual([expect.objectContaining({ from: 'firing', to: 'resolved', notify: 'resolved' })]);
		expect((await history()).map((e) => `${e.from_state}>${e.to_state}${e.notify ? `/${e.notify}` : ''}`)).toEqual([
			'normal>pending',
			'pending>firing/firing',
			'firing>firing/repeat',
			'firing>resolved/resolved'
		]);
	});

	it('gives every series a pattern matches an alert of its own, series added later included', async () => {
		for (let i = 0; i <= 14; i++) {
			await addSample('alert/fast', i, 1000 + i * 50);
			await addSample('alert/slow', i, 1000 + i);
		}
		await addRule({ name: 'fast growers', scope: 'github:alert/*:stars', condition: { kind: 'growth', windowDays: 7, compare: 'ago', op: 'above', percent: 20, minBase: 100 } });
		const first = await evaluateAlerts(database.db, t0 + 14 * day);
		expect(first.alerts).toBe(2);
		expect((await history()).map((e) => [e.key, e.to_state, e.notify])).toEqual([['alert/fast', 'firing', 'firing']]);
		await addSample('alert/new', 7, 100);
		await addSample('alert/new', 14, 500);
		expect((await evaluateAlerts(database.db, t0 + 14 * day + 1)).alerts).toBe(3);
		expect((await history()).map((e) => e.key)).toEqual(['alert/fast', 'alert/new']);
	});

	it('fires a milestone once, and a stale-data alert when samples stop', async () => {
		await addSample('alert/m', 0, 999);
		await addRule({ name: '1k stars', scope: 'github:alert/m:stars', condition: { kind: 'milestone', value: 1000 } });
		await addRule({ name: 'stale', scope: 'github:alert/m:stars', condition: { kind: 'stale', maxAgeHours: 48 } });
		await evaluateAlerts(database.db, t0 + day);
		await addSample('alert/m', 1, 1000);
		await evaluateAlerts(database.db, t0 + day + 1);
		await addSample('alert/m', 2, 990);
		await evaluateAlerts(database.db, t0 + 2 * day);
		await evaluateAlerts(database.db, t0 + 5 * day);
		expect((await history()).map((e) => [e.scope, e.from_state, e.to_state, e.notify])).toEqual([
			['github:alert/m:stars', 'normal', 'firing', 'firing'],
			['github:alert/m:stars', 'normal', 'firing', 'firing']
		]);
		const states = await queryRows<{ name: string; state: string }>(database.db, sql`select r.name, i.state from alert_instances i join alert_rules r on r.id = i.rule_id order by r.name`);
		expect(states).toEqual([{ name: '1k stars', state: 'firing' }, { name: 'stale', state: 'firing' }]);
	});

	it('fires an eta rule once when the forecast expects its value within the window, judges counters only, and backtests it the same way', async () => {
		// 7,420 + 10 stars a day from 2026-01-01 to 2026-04-10: the forecast expects 10,000 on 2026-09-16.
		const linear = Array.from({ length: 100 }, (_, i): [string, number] => [iso(t0 + i * day), 7_420 + 10 * i]);
		await seedSeries(database.db, 'alert/eta', 'stars', linear);
		const gaugeTarget = await upsertTarget(database.db, { source: 'github', key: 'alert/gauge', displayName: 'gauge' });
		const gauge = await upsertSeries(database.db, gaugeTarget, { metric: 'stars', unit: 'stars', kind: 'gauge' });
		await upsertSamples(database.db, gauge, 'observed', linear.map(([ts, value]) => ({ ts: new Date(ts), value })));
		const soon = { name: 'soon', scope: 'github:alert/*:stars', condition: { kind: 'eta', value: 10_000, withinDays: 160 } };
		await addRule(soon);
		await addRule({ name: 'later', scope: 'github:alert/eta:stars', condition: { kind: 'eta', value: 10_000, withinDays: 100 } });
		const lastDay = t0 + 99 * day;
		expect((await evaluateAlerts(database.db, lastDay + day / 2)).changes).toEqual([expect.objectContaining({ from: 'normal', to: 'firing', notify: 'firing', value: 159 })]);
		// Sixty days without a sample: the expected day stays 2026-09-16, now 99 days ahead.
		expect((await evaluateAlerts(database.db, lastDay + 60 * day)).changes).toEqual([expect.objectContaining({ from: 'normal', to: 'firing', value: 99 })]);
		expect((await evaluateAlerts(database.db, lastDay + 61 * day)).changes).toEqual([]);
		const states = await queryRows<{ name: string; key: string; state: string }>(
			database.db,
			sql`select r.name, t.key, i.state from alert_instances i join alert_rules r on r.id = i.rule_id join series s on s.id = i.series_id join targets t on t.id = s.target_id order by r.name, t.key`
		);
		expect(states).toEqual([
			{ name: 'later', key: 'alert/eta', state: 'firing' },
			{ name: 'soon', key: 'alert/eta', state: 'firing' },
			{ name: 'soon', key: 'alert/gauge', state: 'normal' }
		]);
		const backtest = await backtestRule(database.db, alertRuleInput.parse(soon), lastDay + day / 2);
		// Each day ends with an evaluation; on 2026-04-09 the expected day first comes within 160 days.
		expect(backtest).toMatchObject({ ok: true, alerts: [{ series: 'github:alert/eta:stars', fired: ['2026-04-09'], resolved: [] }, { series: 'github:alert/gauge:stars', fired: [], resolved: [] }] });
	});

	it('evaluates no disabled rule, and leaves everything as it was when the evaluation fails', async () => {
		await addSample('alert/x', 0, 5000);
		const id = await addRule({ name: 'x', scope: 'github:alert/x:stars', condition: { kind: 'threshold', op: 'above', value: 1 } });
		await database.db.execute(sql`update alert_rules set is_enabled = false where id = ${id}`);
		expect((await evaluateAlerts(database.db, t0 + day)).alerts).toBe(0);
		await database.db.execute(sql`update alert_rules set is_enabled = true, condition = '{"kind": "growth", "windowDays": "oops"}' where id = ${id}`);
		await expect(evaluateAlerts(database.db, t0 + day)).rejects.toThrow();
		expect(await queryRows(database.db, sql`select * from alert_instances`)).toEqual([]);
	});
});
