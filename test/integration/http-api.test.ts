import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { lastValuePerMonth, listRealworldFiles } from '../helpers/realworld.js';
import { startServer, type TestServer } from '../helpers/server.js';

const files = listRealworldFiles();

describe.each(testBackends)('HTTP API on $name', (backend) => {
	let server: TestServer;
	const get = (path: string) => fetch(`${server.url}${path}`);
	const getJson = async (path: string) => {
		const response = await get(path);
		return { status: response.status, body: (await response.json()) as Record<string, any> };
	};
	const importCsv = (series: string, csv: string) =>
		fetch(`${server.url}/api/import?series=${encodeURIComponent(series)}`, {
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: csv
		});

	beforeAll(async () => {
		server = await startServer(backend.name);
	});
	afterAll(() => server?.stop());

	it('reports a reachable database with every migration applied', async () => {
		const { status, body } = await getJson('/healthz');
		expect(status).toBe(200);
		expect(body).toMatchObject({ status: 'ok', database: { kind: backend.name, isReachable: true }, migrations: { isUpToDate: true } });
	});

	it('imports every real-world history, and a second import changes nothing', async () => {
		expect(files.length).toBe(12);
		for (const file of files) {
			const first = await importCsv(file.series, file.csv);
			expect(first.status, file.name).toBe(201);
			expect(await first.json()).toMatchObject({ ok: true, rows: file.rows.length, inserted: file.rows.length });
			const again = await importCsv(file.series, file.csv);
			expect(again.status).toBe(200);
			expect(await again.json()).toMatchObject({ inserted: 0, updated: 0, unchanged: file.rows.length });
		}
	});

	it('reads each history back at interval=raw exactly as imported', async () => {
		for (const file of files) {
			const { status, body } = await getJson(`/api/series?series=${file.series}&interval=raw&points=10000`);
			expect(status).toBe(200);
			expect(body.series[0].points, file.name).toEqual(file.rows);
			expect(body.series[0].provenance).toEqual({ imported: file.rows.length });
		}
	});

	it('gives the last value of each month at interval=month', async () => {
		for (const file of files) {
			const { body } = await getJson(`/api/series?series=${file.series}&interval=month&transform=value`);
			expect(body.series[0].points, file.name).toEqual(lastValuePerMonth(file.rows));
		}
	});

	it('gives the percent change of each month at transform=growth', async () => {
		const file = files.find((f) => f.name === 'github-moby-moby-stars.csv')!;
		const monthly = lastValuePerMonth(file.rows);
		const { body } = await getJson(`/api/series?series=${file.series}&interval=month&transform=growth`);
		const points = body.series[0].points as [string, number | null][];
		expect(points).toHaveLength(monthly.length);
		expect(points[0]).toEqual([monthly[0]![0], null]);
		points.slice(1).forEach(([ts, growth], i) => {
			const [previous, current] = [monthly[i]![1], monthly[i + 1]![1]];
			expect(ts).toBe(monthly[i + 1]![0]);
			expect(growth).toBeCloseTo(((current - previous) / previous) * 100, 9);
		});
	});

	it('thins long series to at most `points` points', async () => {
		const { body } = await getJson('/api/series?series=dockerhub:falcosecurity/falcosidekick:pulls');
		expect(body.series[0].points.length).toBeLessThanOrEqual(1000);
		expect(body.series[0]).toMatchObject({ pointCount: 2516, isDownsampled: true });
		expect(body.series[0].points.at(-1)).toEqual(['2026-08-08T00:00:00.000Z', 34_687_587]);
	});

	it.each([
		['series=github:moby/moby:stars&interval=hour', 'interval'],
		['series=github:moby/moby:stars&transform=sqrt', 'transform'],
		['series=github:moby/moby:stars&from=2020-02-30', 'from'],
		['series=github:moby/moby:stars&from=2021-01-01&to=2020-01-01', 'to'],
		['series=github:moby/moby:stars&points=0', 'points'],
		['series=nonsense', 'series'],
		['', 'series'],
		['series=github:moby/moby:stars&colour=red', 'colour']
	])('answers 400 naming the parameter for %j', async (query, parameter) => {
		const { status, body } = await getJson(`/api/series?${query}`);
		expect(status).toBe(400);
		expect(body).toMatchObject({ error: 'bad_parameter', parameter, message: expect.stringContaining(`${parameter}:`) });
	});

	it('answers 404 for an unknown series', async () => {
		const { status, body } = await getJson('/api/series?series=github:no/such:stars');
		expect(status).toBe(404);
		expect(body).toMatchObject({ error: 'not_found', missing: ['github:no/such:stars'] });
	});

	it('searches series by words, with a limit, and refuses bad parameters by name', async () => {
		const { status, body } = await getJson('/api/series/search?q=moby+contrib&limit=5');
		expect(status).toBe(200);
		expect(body.q).toBe('moby contrib');
		expect(body.series).toContainEqual({
			series: 'import:moby-git-log:contributors',
			target: 'import:moby-git-log',
			targetName: 'moby/moby git log (measured)',
			metric: 'contributors',
			unit: 'contributors'
		});
		expect((await getJson('/api/series/search?limit=1')).body).toMatchObject({ limit: 1, truncated: true });
		for (const [query, parameter] of [['limit=0', 'limit'], ['limit=101', 'limit'], [`q=${'x'.repeat(201)}`, 'q'], ['q=a&q=b', 'q'], ['query=moby', 'query']]) {
			const refused = await getJson(`/api/series/search?${query}`);
			expect([query, refused.status, refused.body.parameter]).toEqual([query, 400, parameter]);
		}
	});

	it('refuses a bad CSV with line numbers and writes nothing', async () => {
		const response = await importCsv('github:bad/file:stars', 'ts,value\n2020-01-01,1\n2020-01-02,two\n2020-01-03,3\n');
		expect(response.status).toBe(422);
		expect(await response.json()).toMatchObject({ error: 'invalid_csv', problems: [{ line: 3, message: '"two" is not a number' }] });
		expect((await getJson('/api/series?series=github:bad/file:stars')).status).toBe(404);
		const badRef = await importCsv('github:bad file:stars', 'ts,value\n2020-01-01,1\n');
		expect(badRef.status).toBe(400);
	});

	it('lists targets with their series and latest values, reference figures included', async () => {
		const { body } = await getJson('/api/targets');
		const moby = body.targets.find((t: { target: string }) => t.target === 'github:moby/moby');
		expect(moby.series).toEqual([
			{
				series: 'github:moby/moby:stars',
				metric: 'stars',
				unit: 'stars',
				kind: 'counter',
				latest: { ts: '2026-08-22T00:00:00.000Z', value: 71_993, provenance: 'imported' }
			}
		]);
		const reference = body.targets.find((t: { target: string }) => t.target === 'reference:dockerhub');
		expect(reference.series.map((s: { series: string }) => s.series)).toEqual([
			'reference:dockerhub:pulls',
			'reference:dockerhub:repositories',
			'reference:dockerhub:users'
		]);
	});

	it('lists targets a page at a time with limit and after, filtered by q and source', async () => {
		const whole = (await getJson('/api/targets')).body;
		expect(whole.next).toBeNull();
		const refs = whole.targets.map((t: { target: string }) => t.target);
		const walked: string[] = [];
		for (let after = ''; ; ) {
			const { status, body } = await getJson(`/api/targets?limit=2${after}`);
			expect(status).toBe(200);
			walked.push(...body.targets.map((t: { target: string }) => t.target));
			if (body.next === null) break;
			expect(body.next).toBe(walked.at(-1));
			after = `&after=${encodeURIComponent(body.next)}`;
		}
		expect(walked).toEqual(refs);
		const moby = await getJson('/api/targets?q=MOBY%20stars&source=github');
		expect(moby.body).toEqual({ targets: whole.targets.filter((t: { target: string }) => t.target === 'github:moby/moby'), next: null });
		const references = refs.filter((ref: string) => ref.startsWith('reference:'));
		expect(references.length).toBeGreaterThan(0);
		expect((await getJson('/api/targets?source=reference&limit=1000')).body.targets.map((t: { target: string }) => t.target)).toEqual(references);
	});

	it.each([
		['limit=0', 'limit'],
		['limit=1001', 'limit'],
		['limit=ten', 'limit'],
		['after=nonsense', 'after'],
		['source=gitlab', 'source'],
		[`q=${'x'.repeat(201)}`, 'q'],
		['limit=5&limit=6', 'limit'],
		['page=2', 'page']
	])('answers 400 naming the parameter for targets?%s', async (query, parameter) => {
		const { status, body } = await getJson(`/api/targets?${query}`);
		expect(status).toBe(400);
		expect(body).toMatchObject({ error: 'bad_parameter', parameter, message: expect.stringContaining(`${parameter}:`) });
	});

	it('serves a dashboard page listing the targets', async () => {
		const response = await get('/targets');
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toContain('github:moby/moby');
		expect(html).toContain('Docker Hub (published figures)');
		expect(html).toContain('Local mode');
	});
});
