import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { createExportSlots } from '../../src/lib/server/export/slots.js';
import { answerReportBundle } from '../../src/lib/server/report/bundle.js';
import { defaultReportQuery } from '../../src/lib/server/report/page.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';
import { startServer, type TestServer } from '../helpers/server.js';

const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const bundleNames = ['report.csv', 'report.json', 'data.csv', 'chart.svg', 'README.txt', 'metadata.json'];

// bundle/a: a sample long before (read by no figure), the one on or before the period before's start
// (2019-04-30 for 2020-03-01..2020-12-31), the start's (on or before 2020-03-01), two in the period, one after.
const seriesA: [string, number][] = [
	['2018-06-01T00:00:00Z', 100], ['2019-01-01T00:00:00Z', 200], ['2020-01-01T00:00:00Z', 1000],
	['2020-06-01T00:00:00Z', 1500], ['2020-12-31T12:00:00Z', 2400], ['2021-06-01T00:00:00Z', 3000]
];
// bundle/b starts late, inside the period.
const seriesB: [string, number][] = [['2020-05-01T00:00:00Z', 50], ['2020-11-01T00:00:00Z', 80]];
const query = 'series=github:bundle/a:stars&series=github:bundle/b:stars&from=2020-03-01&to=2020-12-31';

type Metadata = { dockpulse: { version: string }; files: { name: string; bytes: number; sha256: string }[]; citations: string[]; warnings: string[]; parameters: Record<string, unknown> };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function fetchBundle(url: string) {
	const response = await fetch(url);
	expect(response.status).toBe(200);
	const zip = new Uint8Array(await response.arrayBuffer());
	const entries = unzipSync(zip);
	const text = (name: string) => strFromU8(entries[name]!);
	return { response, zip, entries, text, metadata: JSON.parse(text('metadata.json')) as Metadata };
}

describe.each(testBackends)('GET /api/report.zip on $name', (backend) => {
	let server: TestServer;

	beforeAll(async () => {
		server = await startServer(backend.name, {}, {
			seed: async (database) => {
				await seedSeries(database.db, 'bundle/a', 'stars', seriesA);
				await seedSeries(database.db, 'bundle/b', 'stars', seriesB);
			}
		});
	});
	afterAll(() => server?.stop());

	it('bundles the report exactly as /api/report.csv and /api/report answer it, with each file hashed in metadata.json', async () => {
		const { response, zip, entries, text, metadata } = await fetchBundle(`${server.url}/api/report.zip?${query}`);
		expect(response.headers.get('content-type')).toBe('application/zip');
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="dockpulse_report_2020-03-01_to_2020-12-31.zip"');
		expect(Object.keys(entries)).toEqual(bundleNames);
		expect(text('report.csv')).toBe(await (await fetch(`${server.url}/api/report.csv?${query}`)).text());
		expect(text('report.json')).toBe(await (await fetch(`${server.url}/api/report?${query}`)).text());
		expect(metadata.files.map((f) => f.name)).toEqual(bundleNames.slice(0, -1));
		for (const file of metadata.files) expect(file).toEqual({ name: file.name, bytes: entries[file.name]!.length, sha256: sha256(entries[file.name]!) });
		expect(metadata.dockpulse.version).toBe(packageVersion);
		expect(metadata.parameters).toEqual({ series: ['github:bundle/a:stars', 'github:bundle/b:stars'], from: '2020-03-01', to: '2020-12-31' });
		expect(metadata.warnings).toContain('github:bundle/b:stars: no sample on or before 2020-03-01: measured from the first sample, on 2020-05-01');
		// Info-ZIP reads it too, CRCs included.
		const folder = mkdtempSync(join(tmpdir(), 'dockpulse-bundle-'));
		try {
			writeFileSync(join(folder, 'bundle.zip'), zip);
			expect(execFileSync('unzip', ['-t', join(folder, 'bundle.zip')], { encoding: 'utf8' })).toContain('No errors detected');
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});

	it('holds the seeded samples every figure reads, in the export layout, and the figures recompute from them', async () => {
		const { text } = await fetchBundle(`${server.url}/api/report.zip?${query}`);
		const data = parse(text('data.csv'), { columns: true }) as Record<string, string>[];
		const iso = (ts: string) => new Date(ts).toISOString();
		expect(data.map(({ flags, ...row }) => row)).toEqual([
			...seriesA.slice(1, 5).map(([ts, value]) => ({ series: 'github:bundle/a:stars', target: 'github:bundle/a', metric: 'stars', ts: iso(ts), value: String(value), provenance: 'observed' })),
			...seriesB.map(([ts, value]) => ({ series: 'github:bundle/b:stars', target: 'github:bundle/b', metric: 'stars', ts: iso(ts), value: String(value), provenance: 'observed' }))
		]);
		// Byte for byte what the export answers over the same range (flags included: 200 -> 1,000 is a jump).
		const exported = await fetch(`${server.url}/api/export.csv?series=github:bundle/a:stars&series=github:bundle/b:stars&from=2019-01-01&to=2020-12-31`);
		expect(text('data.csv')).toBe(await exported.text());
		expect(data[1]!.flags).toBe('jump');
		// As README.txt says: the latest row on or before each requested end.
		const valueAt = (series: string, requested: string) => Number(data.filter((r) => r.series === series && r.ts! <= requested).at(-1)!.value);
		const report = parse(text('report.csv'), { columns: true }) as Record<string, string>[];
		const a = report.find((r) => r.series === 'github:bundle/a:stars')!;
		const [start, end] = [valueAt(a.series!, a.start_requested!), valueAt(a.series!, a.end_requested!)];
		expect([start, end]).toEqual([1000, 2400]);
		expect(Number(a.growth_percent)).toBe(((end - start) / start) * 100);
		const json = JSON.parse(text('report.json')) as { period: { previousStart: string } };
		const previous = valueAt(a.series!, json.period.previousStart);
		expect(Number(a.previous_growth_percent)).toBe(((start - previous) / previous) * 100);
		expect(text('README.txt')).toContain('(2400 - 1000) / 1000 x 100 = 140, the growth_percent in report.csv.');
		const svg = text('chart.svg');
		expect(svg).toContain('>bundle/a, stars (github:bundle/a:stars)</text>');
		expect(svg).toContain('>bundle/b, stars (github:bundle/b:stars)</text>');
		expect(svg.match(/<path d=/g)).toHaveLength(2);
	});

	it("bundles the seed's default report: the reference samples and their citations, no data for the percentage-only figures", async () => {
		const { text, metadata } = await fetchBundle(`${server.url}/api/report.zip?${defaultReportQuery}`);
		const data = parse(text('data.csv'), { columns: true }) as Record<string, string>[];
		expect([...new Set(data.map((r) => r.series))]).toEqual([
			'reference:dockerhub:pulls', 'reference:dockerhub:repositories', 'reference:docker-project:contributors', 'reference:github:projects', 'reference:dockerhub:users'
		]);
		expect(data.filter((r) => r.series === 'reference:dockerhub:pulls').map((r) => [r.ts, r.value, r.provenance])).toEqual([
			['2014-06-09T00:00:00.000Z', '2750000', 'reference'],
			['2015-06-22T00:00:00.000Z', '500000000', 'reference']
		]);
		expect(metadata.citations).toEqual(expect.arrayContaining([expect.stringContaining('"2.75M Downloads"'), expect.stringMatching(/^"job offers involving Docker \+1,720%"/)]));
		expect(text('chart.svg')).toContain('>value (log scale)</text>');
	});

	it('answers bad parameters and unknown series exactly as /api/report does', async () => {
		for (const bad of ['series=github:bundle/a:stars&preset=fortnight', 'series=github:bundle/a:stars&from=2021-01-01&to=2020-01-01', 'series=github:bundle/none:stars', 'preset=1y', 'series=github:bundle/a:stars&format=zip']) {
			const [bundle, report] = await Promise.all([fetch(`${server.url}/api/report.zip?${bad}`), fetch(`${server.url}/api/report?${bad}`)]);
			expect(bundle.status, bad).toBe(report.status);
			expect(bundle.status, bad).toBeGreaterThanOrEqual(400);
			expect(await bundle.json()).toEqual(await report.json());
		}
	});
});

describe.each(testBackends)('report bundle limits on $name', (backend) => {
	let database: Database;
	const now = new Date('2026-12-01T00:00:00Z');

	beforeAll(async () => {
		database = await backend.open();
		await seedSeries(database.db, 'bundle/a', 'stars', seriesA);
	});
	afterAll(() => database?.close());

	it('bundles a report over the widest period there is (1970-01-01 to 9999-12-31)', async () => {
		const context = { database, limits: { exportTimeoutMs: 60_000 }, slots: createExportSlots(1) };
		const response = await answerReportBundle(context, new URLSearchParams('series=github:bundle/a:stars&from=1970-01-01&to=9999-12-31'), now);
		expect(response.status).toBe(200);
		const data = parse(strFromU8(unzipSync(new Uint8Array(await response.arrayBuffer()))['data.csv']!), { columns: true }) as Record<string, string>[];
		expect(data.map((r) => Number(r.value))).toEqual(seriesA.map(([, value]) => value));
	});

	it('refuses, naming the bound, a bundle whose samples pass it, and is refused while every export slot is taken', async () => {
		const params = new URLSearchParams('series=github:bundle/a:stars&from=2020-03-01&to=2020-12-31');
		const context = { database, limits: { exportTimeoutMs: 60_000 }, slots: createExportSlots(1) };
		// The header and four rows of about 85 bytes each: some 400 bytes.
		expect((await answerReportBundle({ ...context, maxDataBytes: 1000 }, params, now)).status).toBe(200);
		const tooBig = await answerReportBundle({ ...context, maxDataBytes: 200 }, params, now);
		expect(tooBig.status).toBe(400);
		expect(await tooBig.json()).toEqual({
			error: 'bad_parameter',
			parameter: 'series',
			message: "series: the samples of this report pass the bundle's bound of 200 bytes of CSV; narrow the series or the period, or download them from /api/export.csv, which streams any length"
		});
		expect(context.slots.inUse).toBe(0);
		const release = context.slots.tryAcquire()!;
		try {
			const busy = await answerReportBundle(context, params, now);
			expect(busy.status).toBe(503);
			expect(busy.headers.get('retry-after')).toBe('10');
		} finally {
			release();
		}
	});
});
