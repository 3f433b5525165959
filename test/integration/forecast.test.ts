import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

const dayMs = 86_400_000;
const startMs = Date.UTC(2026, 0, 1);
const isoDay = (i: number) => new Date(startMs + i * dayMs).toISOString();

/** 2026-01-01 .. 2026-04-30: 120 days growing exactly 1,000 a day, sampled twice a day (the day's last counts). */
const linearSamples: [string, number][] = Array.from({ length: 120 }, (_, i) => [
	[isoDay(i), 1_000 * i - 500],
	[new Date(startMs + i * dayMs + 12 * 3_600_000).toISOString(), 1_000 * i]
]).flat() as [string, number][];

/** A noisy counter: a weekly rhythm on top of 800 a day. */
const noisySamples: [string, number][] = Array.from({ length: 200 }, (_, i) => [isoDay(i), 800 * i + (i % 7) * 400]);

describe.each(testBackends)('GET /api/forecast on $name', (backend) => {
	let server: TestServer;
	const getJson = async (query: string) => {
		const response = await fetch(`${server.url}/api/forecast?${query}`);
		return { status: response.status, body: (await response.json()) as Record<string, any> };
	};

	beforeAll(async () => {
		server = await startServer(backend.name, { RUN_SCHEDULES: 'false', CATCH_UP_ON_START: 'false', DEFAULT_WATCHLIST: 'false' }, {
			seed: async ({ db }) => {
				await seedSeries(db, 'acme/linear', 'stars', linearSamples);
				await seedSeries(db, 'acme/noisy', 'stars', noisySamples);
				await seedSeries(db, 'acme/young', 'stars', linearSamples.slice(0, 10));
				const targetId = await upsertTarget(db, { source: 'github', key: 'acme/linear', displayName: 'acme/linear' });
				const gauge = await upsertSeries(db, targetId, { metric: 'open_issues', unit: 'issues', kind: 'gauge' });
				await upsertSamples(db, gauge, 'observed', [{ ts: new Date(startMs), value: 3 }]);
			}
		});
	});
	afterAll(() => server?.stop());

	it('projects a linear counter exactly from its last daily value, and dates a milestone in the projection', async () => {
		const { status, body } = await getJson('series=github:acme/linear:stars&horizon=30&milestone=130000');
		expect(status).toBe(200);
		expect(body.series).toBe('github:acme/linear:stars');
		expect(body.method).toMatch(/^damped linear trend on daily deltas/);
		expect(body.origin).toEqual({ ts: '2026-04-30T00:00:00.000Z', value: 119_000 });
		expect(body.points).toHaveLength(30);
		body.points.forEach(([ts, value, lower80, upper80, lower95, upper95]: [string, ...number[]], k: number) => {
			expect(ts).toBe(isoDay(120 + k));
			for (const bound of [value, lower80, upper80, lower95, upper95]) expect(bound).toBeCloseTo(119_000 + 1_000 * (k + 1), 4);
		});
		expect(body.milestone).toEqual({ value: 130_000, date: '2026-05-11', earliest: '2026-05-11', latest: '2026-05-11' });
	});

	it('gives a milestone out of reach a null date and the reason', async () => {
		const { status, body } = await getJson('series=github:acme/linear:stars&horizon=10&milestone=1e9');
		expect(status).toBe(200);
		expect(body.milestone).toEqual({ value: 1e9, date: null, reason: 'not expected within the horizon: the projection reaches 129000 on 2026-05-10' });
	});

	it('answers a noisy counter with nested bands that widen with the horizon', async () => {
		const { status, body } = await getJson('series=github:acme/noisy:stars&horizon=180&milestone=250000');
		expect(status).toBe(200);
		const points = body.points as [string, number, number, number, number, number][];
		expect(points).toHaveLength(180);
		for (const [, value, lower80, upper80, lower95, upper95] of points) {
			expect(lower95 <= lower80 && lower80 <= value && value <= upper80 && upper80 <= upper95).toBe(true);
		}
		const width = (p: (typeof points)[number]) => p[3] - p[2];
		expect(width(points[179]!)).toBeGreaterThan(width(points[0]!));
		expect(body.milestone.date).toMatch(/^2026-\d\d-\d\d$/);
		expect(body.milestone.earliest <= body.milestone.date && body.milestone.date <= body.milestone.latest).toBe(true);
	});

	it('defaults to a horizon of a year', async () => {
		const { status, body } = await getJson('series=github:acme/linear:stars');
		expect(status).toBe(200);
		expect(body.horizon).toBe(365);
		expect(body.points).toHaveLength(365);
		expect(body.milestone).toBeUndefined();
	});

	it.each([
		['horizon=30', 'series'],
		['series=github:acme&horizon=30', 'series'],
		['series=github:acme/linear:stars&horizon=0', 'horizon'],
		['series=github:acme/linear:stars&horizon=1096', 'horizon'],
		['series=github:acme/linear:stars&horizon=ten', 'horizon'],
		['series=github:acme/linear:stars&milestone=-5', 'milestone'],
		['series=github:acme/linear:stars&milestone=lots', 'milestone'],
		['series=github:acme/linear:stars&milestone=Infinity', 'milestone'],
		['series=github:acme/linear:stars&series=github:acme/noisy:stars', 'series'],
		['series=github:acme/linear:stars&interval=day', 'interval']
	])('refuses %s with a 400 naming %s', async (query, parameter) => {
		const { status, body } = await getJson(query);
		expect(status).toBe(400);
		expect(body).toMatchObject({ error: 'bad_parameter', parameter });
		expect(body.message).toMatch(new RegExp(`^${parameter}: `));
	});

	it('answers 404 for an unknown series', async () => {
		const { status, body } = await getJson('series=github:acme/nothing:stars&horizon=30');
		expect(status).toBe(404);
		expect(body).toMatchObject({ error: 'not_found', missing: ['github:acme/nothing:stars'] });
	});

	it('answers 422 with the reason for a gauge and for a history under two weeks', async () => {
		const gauge = await getJson('series=github:acme/linear:open_issues');
		expect(gauge.status).toBe(422);
		expect(gauge.body).toMatchObject({ error: 'not_forecastable', message: expect.stringContaining('is a gauge') });
		const young = await getJson('series=github:acme/young:stars');
		expect(young.status).toBe(422);
		expect(young.body.message).toBe('github:acme/young:stars: a forecast needs at least 14 days of history; the series has 4');
	});
});
