import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../src/lib/server/alerts/evaluate.js';
import { alertRuleInput, insertAlertRule } from '../../src/lib/server/alerts/rule-input.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

const dayMs = 86_400_000;
const t0 = Date.UTC(2026, 0, 1);
const isoDay = (i: number) => new Date(t0 + i * dayMs).toISOString();
const token = 'b'.repeat(24);
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

/**
 * 150 days growing 100 a day, sampled at midnight and at noon (the day's last value counts), but day
 * 100 (2026-04-11) adds 400 and day 105 (2026-04-16) adds 0. The window's MAD is 0, floored at 5 (5% of
 * 100), so the scores are 0.6745 x 300 / 5 = 40.47 and 0.6745 x -100 / 5 = -13.49.
 */
function deltaOn(i: number): number {
	if (i === 100) return 400;
	if (i === 105) return 0;
	return 100;
}
const steady: [string, number][] = [];
for (let i = 0, value = 10_000; i < 150; i++) {
	const delta = i === 0 ? 0 : deltaOn(i);
	steady.push([isoDay(i), value + Math.floor(delta / 2)], [new Date(t0 + i * dayMs + 12 * 3_600_000).toISOString(), (value += delta)]);
}
/** The same shape ending today (a backtest covers the last year), its spike 10 days ago. */
const todayMs = Math.floor(Date.now() / dayMs) * dayMs;
const recentSpikeMs = todayMs - 10 * dayMs;
const recent: [string, number][] = Array.from({ length: 100 }, (_, i) => {
	const tMs = todayMs - (99 - i) * dayMs;
	return [new Date(tMs).toISOString(), 100 * i + (tMs >= recentSpikeMs ? 400 : 0)];
});
const spike = { t: isoDay(100), day: '2026-04-11', kind: 'spike', score: 40.47 };
const drop = { t: isoDay(105), day: '2026-04-16', kind: 'drop', score: -13.49 };

describe.each(testBackends)('anomaly flags in /api/series and /api/export.csv on $name', (backend) => {
	let server: TestServer;
	const getJson = async (query: string) => (await fetch(`${server.url}/api/series?${query}`)).json() as Promise<{ series: Record<string, any>[] }>;
	const flaggedPoints = (view: Record<string, any>) =>
		(view.points as [string, number][]).flatMap(([t], i) => ((view.pointFlags[i] as string[]).length > 0 ? [[t, view.pointFlags[i]]] : []));

	beforeAll(async () => {
		server = await startServer(backend.name, { ADMIN_TOKEN: token, RUN_SCHEDULES: 'false', CATCH_UP_ON_START: 'false', DEFAULT_WATCHLIST: 'false' }, {
			seed: async ({ db }) => {
				await seedSeries(db, 'anom/steady', 'stars', steady);
				await seedSeries(db, 'anom/recent', 'stars', recent);
				const targetId = await upsertTarget(db, { source: 'github', key: 'anom/steady', displayName: 'anom/steady' });
				const gauge = await upsertSeries(db, targetId, { metric: 'open_issues', unit: 'issues', kind: 'gauge' });
				await upsertSamples(db, gauge, 'observed', steady.map(([iso, value]) => ({ ts: new Date(iso), value })));
			}
		});
	});
	afterAll(() => server?.stop());

	it('flags the spike and the drop at interval=day, in pointFlags and in the anomalies list with their scores', async () => {
		const [view] = (await getJson('series=github:anom/steady:stars&interval=day')).series;
		expect(flaggedPoints(view!)).toEqual([
			[spike.t, ['spike']],
			[drop.t, ['drop']]
		]);
		expect(view!.anomalies).toEqual([spike, drop]);
	});

	it('judges the first day of a range against the days before it', async () => {
		const [view] = (await getJson(`series=github:anom/steady:stars&interval=day&from=2026-04-11&to=2026-04-13`)).series;
		expect(view!.points.map(([t]: [string]) => t)).toEqual([isoDay(100), isoDay(101), isoDay(102)]);
		expect(view!.pointFlags).toEqual([['spike'], [], []]);
		expect(view!.anomalies).toEqual([spike]);
	});

	it('flags a coarser bucket when a day inside it is flagged, listing each day', async () => {
		const [view] = (await getJson('series=github:anom/steady:stars&interval=month')).series;
		const april = '2026-04-01T00:00:00.000Z';
		expect(flaggedPoints(view!)).toEqual([[april, ['spike', 'drop']]]);
		expect(view!.anomalies).toEqual([
			{ ...spike, t: april },
			{ ...drop, t: april }
		]);
	});

	it('scores neither raw reads nor gauges', async () => {
		const { series } = await getJson('series=github:anom/steady:stars&series=github:anom/steady:open_issues&interval=raw');
		expect(series.map((s) => s.anomalies)).toEqual([[], []]);
		const [gauge] = (await getJson('series=github:anom/steady:open_issues&interval=day')).series;
		expect(gauge!.anomalies).toEqual([]);
		expect(gauge!.pointFlags.flat()).toEqual([]);
	});

	it('writes the flags into the CSV flags column, daily and weekly, as the series API does', async () => {
		const read = async (query: string) =>
			parse(await (await fetch(`${server.url}/api/export.csv?series=github:anom/steady:stars&${query}`)).text(), { columns: true }) as Record<string, string>[];
		const daily = await read('interval=day');
		expect(daily).toHaveLength(150);
		expect(daily.filter((r) => r.flags !== '').map((r) => [r.ts, r.flags])).toEqual([
			[spike.t, 'spike'],
			[drop.t, 'drop']
		]);
		// Weeks start on Monday: 2026-04-06 holds the spike (a Saturday), 2026-04-13 the drop (a Thursday).
		const weekly = await read('interval=week&from=2026-04-01&to=2026-05-01');
		expect(weekly.filter((r) => r.flags !== '').map((r) => [r.ts, r.flags])).toEqual([
			['2026-04-06T00:00:00.000Z', 'spike'],
			['2026-04-13T00:00:00.000Z', 'drop']
		]);
		const thinned = await read('interval=day&points=10');
		const api = (await getJson('series=github:anom/steady:stars&interval=day&points=10')).series[0]!;
		expect(thinned.map((r) => r.flags)).toEqual(api.pointFlags.map((f: string[]) => f.join(' ')));
	});

	it('backtests an anomaly rule: it fires the day after the spike (its latest complete day) and resolves the next', async () => {
		const response = await fetch(`${server.url}/api/alerts/backtest`, {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({ name: 'spikes', scope: 'github:anom/recent:stars', condition: { kind: 'anomaly', direction: 'spike' } })
		});
		expect(response.status).toBe(200);
		const body = await response.json();
		const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
		expect(body.alerts).toEqual([{ series: 'github:anom/recent:stars', fired: [day(recentSpikeMs + dayMs)], resolved: [day(recentSpikeMs + 2 * dayMs)] }]);
	});

	it('refuses an anomaly rule with an unknown direction or a score below 1, naming the field', async () => {
		const post = (condition: unknown) =>
			fetch(`${server.url}/api/alerts`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'x', scope: 'github:anom/steady:stars', condition }) });
		const sideways = await post({ kind: 'anomaly', direction: 'sideways' });
		expect(sideways.status).toBe(400);
		expect(await sideways.json()).toMatchObject({ parameter: 'condition.direction', message: expect.stringContaining('spike, drop, both') });
		const tiny = await post({ kind: 'anomaly', direction: 'both', minScore: 0.5 });
		expect(tiny.status).toBe(400);
		expect(await tiny.json()).toMatchObject({ parameter: 'condition.minScore', message: expect.stringContaining('at least 1') });
		const anonymous = await fetch(`${server.url}/api/alerts`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'x', scope: 'github:anom/steady:stars', condition: { kind: 'anomaly' } })
		});
		expect(anonymous.status).toBe(401);
	});
});

describe.each(testBackends)('evaluating anomaly alert rules on $name', (backend) => {
	let database: Database;
	const addRule = (input: unknown) => insertAlertRule(database.db, alertRuleInput.parse(input));
	/** github:<key>:stars, days 0..lastDay, growing 100 a day but `spikeDelta` on day `spikeDay`. */
	const seedDaily = (key: string, lastDay: number, spikeDay: number, spikeDelta: number) => {
		const samples: [string, number][] = [];
		for (let i = 0, value = 0; i <= lastDay; i++) samples.push([isoDay(i), (value += i === spikeDay ? spikeDelta : 100)]);
		return seedSeries(database.db, key, 'stars', samples);
	};

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());
	beforeEach(async () => {
		await database.db.execute(sql`delete from alert_rules`);
		await database.db.execute(sql`delete from targets`);
	});

	it('fires when the latest complete day is a spike, with its score, and resolves on an ordinary day', async () => {
		await seedDaily('alarm/spiky', 80, 80, 500);
		await addRule({ name: 'spikes', scope: 'github:alarm/spiky:stars', condition: { kind: 'anomaly', direction: 'spike', minScore: 5 } });
		await addRule({ name: 'drops', scope: 'github:alarm/spiky:stars', condition: { kind: 'anomaly', direction: 'drop' } });
		// An hour into day 81: day 80 is the latest complete day; 0.6745 x 400 / 5.
		const fired = await evaluateAlerts(database.db, t0 + 81 * dayMs + 3_600_000);
		expect(fired.changes).toEqual([expect.objectContaining({ from: 'normal', to: 'firing', notify: 'firing', value: expect.closeTo(53.96, 6) })]);
		await seedSeries(database.db, 'alarm/spiky', 'stars', [[isoDay(81), 8_600]]);
		const resolved = await evaluateAlerts(database.db, t0 + 82 * dayMs + 3_600_000);
		expect(resolved.changes).toEqual([expect.objectContaining({ from: 'firing', to: 'resolved', notify: 'resolved', value: 0 })]);
	});

	it('has no data for a series too young to score, or a gauge', async () => {
		await seedDaily('alarm/young', 20, 20, 900);
		const targetId = await upsertTarget(database.db, { source: 'github', key: 'alarm/young', displayName: 'alarm/young' });
		const gauge = await upsertSeries(database.db, targetId, { metric: 'watchers', unit: 'watchers', kind: 'gauge' });
		await upsertSamples(database.db, gauge, 'observed', Array.from({ length: 90 }, (_, i) => ({ ts: new Date(t0 + i * dayMs), value: i === 88 ? 9_999 : i })));
		await addRule({ name: 'young', scope: 'github:alarm/young:*', condition: { kind: 'anomaly' }, noData: 'met' });
		const report = await evaluateAlerts(database.db, t0 + 89 * dayMs + 3_600_000);
		// noData counts as met here, so each alert fires with no value: nothing was scored.
		expect(report.changes.map((c) => c.value)).toEqual([null, null]);
	});
});
