import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createObservationWriter } from '../../jobs/observation-writer.js';
import { writeObservations, type Observation } from '../../jobs/observations.js';
import { defaultCounterConfig } from '../../src/lib/server/config-counters.js';
import { queryRows } from '../../src/lib/server/db/client.js';
import { deleteTarget } from '../../src/lib/server/db/queries/collection-targets.js';
import { computeSeriesFlags, resolveFlagRules } from '../../src/lib/server/metrics/counters.js';
import { useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';

/**
 * Observations written in groups (jobs/observation-writer.ts, set-wise writeObservations): each
 * target's samples and flags come out as if written one at a time, a bad observation fails alone, and
 * a removed target gets nothing.
 */

const day = 86_400_000;
const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (days: number) => new Date(t0 + days * day);
const observation = (key: string, days: number, values: Record<string, number>, extra: Partial<Observation> = {}): Observation => ({
	target: { source: 'dockerhub', key, displayName: key },
	ts: at(days),
	values,
	...extra
});

describe.each(testBackends)('observations written in groups on $name', (backend) => {
	const h = useCollectorHarness(backend, { source: 'dockerhub', startAt: '2026-11-28T10:00:00Z' });

	const listSeriesSamples = (key: string, metric: string) =>
		queryRows<{ t_ms: number; value: number; flags: string[] }>(
			h.db,
			sql`select (extract(epoch from s.ts) * 1000)::float8 as t_ms, s.value, s.flags
				from samples s join series se on se.id = s.series_id join targets t on t.id = se.target_id
				where t.source = 'dockerhub' and t.key = ${key} and se.metric = ${metric} order by s.ts`
		);

	it('writes answers handed over together as groups, each answer resolving with the samples it changed', async () => {
		const keys = Array.from({ length: 12 }, (_, i) => `group/image${i}`);
		await h.addTargets(...keys);
		const writer = createObservationWriter(h.db, defaultCounterConfig);
		const [before] = await queryRows<{ n: number }>(h.db, sql`select count(*)::int as n from series`);
		const changed = await Promise.all(keys.map((key, i) => writer.write(observation(key, 0, { pulls: 100 + i, stars: i }))));
		expect(changed).toEqual(keys.map(() => 2));
		for (const [i, key] of keys.entries()) expect(await h.listValues(key)).toEqual([['pulls', 100 + i], ['stars', i]]);
		const [after] = await queryRows<{ n: number }>(h.db, sql`select count(*)::int as n from series`);
		expect(after!.n - before!.n).toBe(keys.length * 2);
		// The same answers again change nothing, and draw no id from the series sequence.
		const [sequence] = await queryRows<{ last: number }>(h.db, sql`select last_value::int as last from series_id_seq`);
		expect(await Promise.all(keys.map((key, i) => writer.write(observation(key, 0, { pulls: 100 + i, stars: i }))))).toEqual(keys.map(() => 0));
		expect(await queryRows<{ last: number }>(h.db, sql`select last_value::int as last from series_id_seq`)).toEqual([sequence]);
		for (const key of keys) expect((await h.getTarget(key)).status).toBe('ok');
	});

	it('fails only the observation the database refuses, and writes the rest of its group', async () => {
		await h.addTargets('bad/one', 'good/one', 'good/two');
		const writer = createObservationWriter(h.db, defaultCounterConfig);
		const outcomes = await Promise.allSettled([
			writer.write(observation('good/one', 0, { pulls: 1 })),
			writer.write(observation('bad/one', 0, { pulls: 'not a number' as unknown as number })),
			writer.write(observation('good/two', 0, { pulls: 2 }))
		]);
		expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
		expect(await h.listValues('good/one')).toEqual([['pulls', 1]]);
		expect(await h.listValues('good/two')).toEqual([['pulls', 2]]);
		expect(await h.listValues('bad/one')).toEqual([]);
	});

	it('writes nothing for a removed target and the rest of its group as usual', async () => {
		await h.addTargets('kept/one');
		const changed = await writeObservations(h.db, [observation('kept/one', 0, { pulls: 5 }), observation('gone/one', 0, { pulls: 7 })], defaultCounterConfig);
		expect(changed).toEqual([1, 0]);
		expect(await h.listValues('kept/one')).toEqual([['pulls', 5]]);
		expect(await queryRows(h.db, sql`select id from targets where key = 'gone/one'`)).toEqual([]);
	});

	it('creates the images a listing found, except one the analyst removed from it, in the listing group', async () => {
		await h.addTargets('ns');
		await h.db.execute(sql`update targets set metadata = jsonb_build_object('removedListed', jsonb_build_array('ns/removed')) where key = 'ns'`);
		const changed = await writeObservations(
			h.db,
			[
				observation('ns/a', 0, { pulls: 1 }, { listedBy: 'ns' }),
				observation('ns/removed', 0, { pulls: 2 }, { listedBy: 'ns' }),
				observation('ns', 0, { pulls: 3, repositories: 2 })
			],
			defaultCounterConfig
		);
		expect(changed).toEqual([1, 0, 2]);
		expect(await h.listValues('ns/a')).toEqual([['pulls', 1]]);
		expect(await queryRows(h.db, sql`select id from targets where key = 'ns/removed'`)).toEqual([]);
		// A listing whose parent is gone adds nothing.
		await deleteTarget(h.db, { source: 'dockerhub', key: 'ns' });
		expect(await writeObservations(h.db, [observation('ns/b', 0, { pulls: 1 }, { listedBy: 'ns' })], defaultCounterConfig)).toEqual([0]);
		expect(await queryRows(h.db, sql`select id from targets where key = 'ns/b'`)).toEqual([]);
	});

	it('after any answers over several targets and metrics, handed over at once, stores what writes one by one would', async () => {
		const keys = ['prop/a', 'prop/b', 'prop/c'];
		const value = fc.constantFrom(0, 5, 10, 10, 60, 2_147_483_647, -3, 5_000_000_000);
		const answer = fc.record({
			key: fc.constantFrom(...keys),
			days: fc.integer({ min: 0, max: 8 }).map((halfDays) => halfDays / 2),
			pulls: value,
			stars: value
		});
		let round = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 14 }), async (answers) => {
				const prefix = `r${++round}`;
				await h.addTargets(...keys.map((k) => `${prefix}/${k}`));
				const writer = createObservationWriter(h.db, defaultCounterConfig);
				await Promise.all(answers.map((a) => writer.write(observation(`${prefix}/${a.key}`, a.days, { pulls: a.pulls, stars: a.stars }))));
				for (const key of keys) {
					for (const metric of ['pulls', 'stars'] as const) {
						// Answers of one target are written in the order they were handed over: the last one per instant stays.
						const last = new Map<number, number>();
						for (const a of answers.filter((x) => x.key === key)) last.set(a.days, a[metric]);
						const expected = [...last].sort(([x], [y]) => x - y).map(([days, v]) => ({ tMs: at(days).getTime(), value: v }));
						const stored = await listSeriesSamples(`${prefix}/${key}`, metric);
						expect(stored.map((s) => [Number(s.t_ms), Number(s.value)])).toEqual(expected.map((e) => [e.tMs, e.value]));
						const rules = resolveFlagRules(defaultCounterConfig, { metric, kind: 'counter', source: 'dockerhub' });
						expect(stored.map((s) => s.flags)).toEqual(computeSeriesFlags(expected, rules));
					}
				}
			}),
			{ numRuns: 25 }
		);
	});
});
