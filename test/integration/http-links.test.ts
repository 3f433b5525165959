import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../helpers/databases.js';
import { seedLinkedPair } from '../helpers/linked-pair.js';
import { startServer, type TestServer } from '../helpers/server.js';

const adminToken = 'links-test-admin-token-0123456789';
const pullsPerStar = 'derived:dockerhub:acme/app:pulls_per_star';
const pullsPerContributor = 'derived:dockerhub:acme/app:pulls_per_contributor';

describe.each(testBackends)('image and repository links on $name', (backend) => {
	let server: TestServer;
	const send = (method: string, target: string, body: unknown, token: string | null = adminToken) =>
		fetch(`${server.url}/api/targets/${target}/links`, {
			method,
			headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
			body: typeof body === 'string' ? body : JSON.stringify(body)
		});
	const getLinks = async (target: string) => (await fetch(`${server.url}/api/targets/${target}/links`)).json();
	const getSeries = (query: string) => fetch(`${server.url}/api/series?${query}`);

	beforeAll(async () => {
		server = await startServer(backend.name, { ADMIN_TOKEN: adminToken }, { seed: (database) => seedLinkedPair(database.db) });
	});
	afterAll(() => server?.stop());

	it('suggests pairs that name each other: from the image description and from the repository homepage', async () => {
		expect(await getLinks('dockerhub:acme/app')).toEqual({
			target: 'dockerhub:acme/app',
			links: [],
			suggestions: [{ image: 'dockerhub:acme/app', imageName: 'acme/app', repository: 'github:Acme/App', repositoryName: 'Acme App', reasons: ['description'] }]
		});
		const lib = await getLinks('github:acme/lib');
		expect(lib.suggestions).toEqual([expect.objectContaining({ image: 'dockerhub:acme/other', repository: 'github:acme/lib', reasons: ['homepage'] })]);
		const unknown = await fetch(`${server.url}/api/targets/dockerhub:nobody/none/links`);
		expect(unknown.status).toBe(404);
	});

	it('refuses a link without credentials, and bad or unknown references with a 400 naming them, writing nothing', async () => {
		const anonymous = await send('POST', 'dockerhub:acme/app', { ref: 'github:Acme/App' }, null);
		expect(anonymous.status).toBe(401);
		const refusals: [string, unknown, string, string][] = [
			['dockerhub:acme/app', { ref: 'not a ref' }, 'ref', 'not a target reference'],
			['dockerhub:acme/app', 'not json', 'ref', 'send a JSON object'],
			['dockerhub:acme/app', { ref: 'dockerhub:acme/other' }, 'ref', 'same source'],
			['dockerhub:acme/app', { ref: 'github:nobody/none' }, 'ref', 'is not tracked'],
			['dockerhub:acme/app', { ref: 'ecosystem:github-repos:docker' }, 'ref', 'only a Docker Hub image and a GitHub repository'],
			['dockerhub:acme', { ref: 'github:Acme/App' }, 'target', 'is a Docker Hub namespace']
		];
		for (const [target, body, parameter, message] of refusals) {
			const response = await send('POST', target, body);
			expect(response.status, JSON.stringify(body)).toBe(400);
			expect(await response.json()).toMatchObject({ error: 'bad_parameter', parameter, message: expect.stringContaining(message) });
		}
		const missing = await send('POST', 'dockerhub:nobody/none', { ref: 'github:Acme/App' });
		expect(missing.status).toBe(404);
		expect((await getLinks('dockerhub:acme/app')).links).toEqual([]);
	});

	it('links once, from either end: again it answers exists, and another repository for the same image is a conflict', async () => {
		const linked = await send('POST', 'dockerhub:acme/app', { ref: 'github:Acme/App' });
		expect(linked.status).toBe(201);
		expect(await linked.json()).toMatchObject({
			outcome: 'linked',
			link: { image: 'dockerhub:acme/app', repository: 'github:Acme/App', origin: 'suggested', derivedSeries: [pullsPerStar, pullsPerContributor] }
		});
		const again = await send('POST', 'github:Acme/App', { ref: 'dockerhub:acme/app' });
		expect(again.status).toBe(200);
		expect(await again.json()).toMatchObject({ outcome: 'exists' });
		const other = await send('POST', 'dockerhub:acme/app', { ref: 'github:acme/lib' });
		expect(other.status).toBe(409);
		expect((await other.json()).message).toContain('already linked to github:Acme/App');
		const links = await getLinks('github:Acme/App');
		expect(links.links).toHaveLength(1);
		expect(links.suggestions).toEqual([]);
		const manual = await send('POST', 'dockerhub:acme/other', { ref: 'github:Acme/App' });
		expect(await manual.json()).toMatchObject({ outcome: 'linked', link: { origin: 'manual' } });
		expect((await send('DELETE', 'dockerhub:acme/other', { ref: 'github:Acme/App' })).status).toBe(200);
	});

	it('reads pulls per star with the stars on or before each point, and per contributor null where there are none or 0', async () => {
		const response = await getSeries(`series=${pullsPerStar}&series=${pullsPerContributor}`);
		expect(response.status).toBe(200);
		const [perStar, perContributor] = (await response.json()).series;
		// Day 2's pulls (00:00) come before day 2's stars (06:00), so they are divided by the 10 of 31 December.
		expect(perStar).toMatchObject({
			series: pullsPerStar,
			target: 'dockerhub:acme/app',
			unit: 'pulls per star',
			kind: 'gauge',
			provenance: { imported: 4 },
			derivedFrom: { numerator: 'dockerhub:acme/app:pulls', divisor: 'github:Acme/App:stars', divisorProvenance: { imported: 3 } },
			points: [
				['2026-01-01T00:00:00.000Z', 100],
				['2026-01-02T00:00:00.000Z', 150],
				['2026-01-03T00:00:00.000Z', 120],
				['2026-01-04T00:00:00.000Z', 100]
			]
		});
		expect(perStar.note).toContain('pulls of dockerhub:acme/app divided by stars of github:Acme/App');
		expect(perContributor.points.map((p: [string, number | null]) => p[1])).toEqual([null, null, null, 600]);
		// The window's first point takes the stars from before the window.
		const late = await (await getSeries(`series=${pullsPerStar}&from=2026-01-02`)).json();
		expect(late.series[0].points[0]).toEqual(['2026-01-02T00:00:00.000Z', 150]);
		// By day, each bucket's last pulls over the same bucket's last stars (day 2: 1500 / 20).
		const daily = await (await getSeries(`series=${pullsPerStar}&interval=day&from=2026-01-02`)).json();
		expect(daily.series[0].points.map((p: [string, number]) => p[1])).toEqual([75, 120, 100]);
	});

	it('exports the derived series as the series API answers it, refuses transforms of a ratio, and finds it in the search', async () => {
		const query = `series=${pullsPerStar}&interval=day&from=2026-01-02`;
		const csv = await fetch(`${server.url}/api/export.csv?${query}`);
		expect(csv.status).toBe(200);
		const rows = parse(await csv.text(), { columns: true }) as Record<string, string>[];
		expect(rows.map((r) => [r.series, r.target, r.ts, Number(r.value), r.provenance])).toEqual([
			[pullsPerStar, 'derived:dockerhub:acme/app', '2026-01-02T00:00:00.000Z', 75, 'imported'],
			[pullsPerStar, 'derived:dockerhub:acme/app', '2026-01-03T00:00:00.000Z', 120, 'imported'],
			[pullsPerStar, 'derived:dockerhub:acme/app', '2026-01-04T00:00:00.000Z', 100, 'imported']
		]);
		const wide = parse(await (await fetch(`${server.url}/api/export.csv?${query}&series=dockerhub:acme/app:pulls&format=wide`)).text());
		expect(wide).toEqual([
			['ts', 'dockerhub:acme/app:pulls', pullsPerStar],
			['2026-01-02T00:00:00.000Z', '1500', '75'],
			['2026-01-03T00:00:00.000Z', '2400', '120'],
			['2026-01-04T00:00:00.000Z', '3000', '100']
		]);
		for (const url of [`/api/series?series=${pullsPerStar}&transform=delta`, `/api/export.csv?series=${pullsPerStar}&transform=growth`]) {
			const refused = await fetch(`${server.url}${url}`);
			expect(refused.status).toBe(400);
			expect(await refused.json()).toMatchObject({ parameter: 'transform', message: expect.stringContaining('derived ratio') });
		}
		const search = await (await fetch(`${server.url}/api/series/search?q=acme%20per%20star`)).json();
		expect(search.series).toEqual([{ series: pullsPerStar, target: 'dockerhub:acme/app', targetName: 'acme/app / Acme App', metric: 'pulls_per_star', unit: 'pulls per star' }]);
	});

	it('unlinks idempotently, and the derived series then answer 404 saying the image is not linked', async () => {
		const unlinked = await send('DELETE', 'dockerhub:acme/app', { ref: 'github:Acme/App' });
		expect(unlinked.status).toBe(200);
		expect(await unlinked.json()).toMatchObject({ outcome: 'unlinked' });
		const again = await send('DELETE', 'github:Acme/App', { ref: 'dockerhub:acme/app' });
		expect(await again.json()).toMatchObject({ outcome: 'absent' });
		expect((await send('DELETE', 'dockerhub:acme/app', { ref: 'github:Acme/App' }, null)).status).toBe(401);
		for (const url of [`/api/series?series=${pullsPerStar}`, `/api/export.csv?series=${pullsPerStar}`]) {
			const gone = await fetch(`${server.url}${url}`);
			expect(gone.status).toBe(404);
			expect(await gone.json()).toMatchObject({ missing: [pullsPerStar], message: expect.stringContaining('dockerhub:acme/app is not linked to a GitHub repository') });
		}
		const search = await (await fetch(`${server.url}/api/series/search?q=per%20star`)).json();
		expect(search.series).toEqual([]);
		expect((await getLinks('dockerhub:acme/app')).suggestions).toHaveLength(1);
	});

	it('drops a link with either of its targets, accepted from a homepage suggestion', async () => {
		const linked = await send('POST', 'github:acme/lib', { ref: 'dockerhub:acme/other' });
		expect(await linked.json()).toMatchObject({ outcome: 'linked', link: { image: 'dockerhub:acme/other', origin: 'suggested' } });
		expect((await getSeries('series=derived:dockerhub:acme/other:pulls_per_star')).status).toBe(200);
		const removed = await fetch(`${server.url}/api/targets/github:acme/lib`, { method: 'DELETE', headers: { authorization: `Bearer ${adminToken}` } });
		expect(removed.status).toBe(200);
		expect(await getLinks('dockerhub:acme/other')).toMatchObject({ links: [], suggestions: [] });
		expect((await getSeries('series=derived:dockerhub:acme/other:pulls_per_star')).status).toBe(404);
	});
});
