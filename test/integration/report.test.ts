import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { listEvents, upsertEvents } from '../../src/lib/server/db/queries/events.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { loadReferenceDataset } from '../../src/lib/server/reference/load.js';
import { buildGrowthReport } from '../../src/lib/server/report/build.js';
import { formatReportCsv } from '../../src/lib/server/report/csv.js';
import { defaultReportQuery } from '../../src/lib/server/report/page.js';
import { parseReportQuery } from '../../src/lib/server/report/params.js';
import { answerReport } from '../../src/lib/server/report/respond.js';
import { testBackends } from '../helpers/databases.js';
import { seedSeries } from '../helpers/samples.js';

const now = new Date('2026-11-28T12:00:00Z');

describe.each(testBackends)('growth reports on $name', (backend) => {
	let database: Database;
	let eventIds: number[];

	async function report(query: string) {
		const result = await buildGrowthReport(database.db, parseReportQuery(new URLSearchParams(query)), now);
		if (!result.ok) throw new Error(`${result.parameter}: ${result.message}`);
		return result.report;
	}

	beforeAll(async () => {
		database = await backend.open();
		await loadReferenceDataset(database.db);
		// Monthly samples on the 1st; a tiny series; a series that starts late.
		await seedSeries(database.db, 'report/monthly', 'stars', [
			['2020-01-01T00:00:00Z', 1000], ['2020-07-01T00:00:00Z', 1500], ['2021-01-01T00:00:00Z', 2000], ['2022-01-01T00:00:00Z', 4000]
		]);
		await seedSeries(database.db, 'report/tiny', 'stars', [['2021-01-01T00:00:00Z', 4], ['2022-01-01T00:00:00Z', 40]]);
		await seedSeries(database.db, 'report/late', 'stars', [['2021-06-01T00:00:00Z', 10_000], ['2022-01-01T00:00:00Z', 12_000]]);
		const targetId = await upsertTarget(database.db, { source: 'github', key: 'report/monthly', displayName: 'report/monthly' });
		await upsertEvents(database.db, targetId, [
			{ ts: new Date('2020-01-01T00:00:00Z'), kind: 'release', label: 'v1.0' },
			{ ts: new Date('2021-01-01T00:00:00Z'), kind: 'release', label: 'v2.0' }
		]);
		eventIds = (await listEvents(database.db, targetId)).map((e) => e.id);
	});
	afterAll(() => database.close());

	it("reproduces the seed's table from the reference dataset, with its method and citations", async () => {
		const r = await report('series=reference:dockerhub:pulls&series=reference:dockerhub:repositories&series=reference:docker-project:contributors&series=reference:github:projects&from=2014-06-09&to=2015-06-22');
		expect(r.rows.map((row) => row.statement)).toEqual([
			'Docker Hub pulls grew 18,082% (x181.8) from 2.75M on 2014-06-09 to 500M on 2015-06-22',
			'Docker Hub repositories grew 934% (x10.34) from 14.5K on 2014-06-09 to 150K on 2015-06-22',
			'Docker open-source project contributors grew 183% (x2.83) from 460 on 2014-06-09 to 1,302 on 2015-06-22',
			'GitHub projects about Docker grew 515% (x6.15) from 6,700 on 2014-06-09 to 41.21K on 2015-06-22',
			'Job offers involving Docker grew 1,720% (x18.2) from 2014-06 to 2015-06, as published (no base value found)',
			'Boot2Docker downloads grew 1,456% (x15.56) from 2014-06 to 2015-06, as published (no base value found)'
		]);
		const pulls = r.rows[0]!;
		expect(pulls).toMatchObject({ change: 497_250_000, method: 'published reference figures', warnings: [] });
		expect(Math.round(pulls.growthPercent!)).toBe(18_082);
		expect(pulls.citations).toEqual([expect.stringContaining('2.75M Downloads'), expect.stringContaining('500,000,000 Pulls')]);
		// The derived end values say what they are derived from, and that their window is an inference.
		expect(r.rows[2]!.citations[1]).toMatch(/^derived from the published \+183%, window inferred: 460 x 2\.83 .*DockerCon 2014 -> 2015.* is our inference/);
		expect(r.rows[3]!.citations[1]).toMatch(/^derived from the published \+515%, window inferred: 6,700 x 6\.15 /);
		for (const row of r.rows.slice(0, 4)) expect(row.citations.join(' ')).not.toMatch(/"1,302|"41,205|published .*1,302/);
	});

	it('lists all seven seed figures in the default report (JSON and CSV), published-percent-only rows marked with their citation and caveat', async () => {
		const answer = await answerReport(database.db, new URLSearchParams(defaultReportQuery), now);
		if (!('report' in answer)) throw new Error(`status ${answer.error.status}`);
		const json = JSON.parse(JSON.stringify(answer.report)) as typeof answer.report;
		const rounded = (p: number | null) => (p === null ? null : Math.round(p));
		expect(json.rows.map((row) => [row.series, rounded(row.growthPercent), row.end?.value ?? null, row.isPublishedPercentOnly])).toEqual([
			['reference:dockerhub:pulls', 18_082, 500_000_000, false],
			['reference:dockerhub:repositories', 934, 150_000, false],
			['reference:docker-project:contributors', 183, 1_302, false],
			['reference:github:projects', 515, 41_205, false],
			['reference:dockerhub:users', null, 240_000, false],
			['reference:docker-jobs:job_offers', 1_720, null, true],
			['reference:boot2docker:downloads', 1_456, null, true]
		]);
		const users = json.rows[4]!;
		expect(users).toMatchObject({ statement: 'Docker Hub users: 240K on 2015-06-22', change: null, warnings: ['one value in this period, on 2015-06-22: no growth to compute'] });
		expect(users.citations).toEqual([expect.stringContaining('"240,000 Users"')]);
		const [jobs, boot2docker] = json.rows.slice(5);
		for (const row of [jobs!, boot2docker!]) {
			expect(row).toMatchObject({ start: null, end: null, change: null, cagrPercent: null, publishedPeriod: { from: '2014-06', to: '2015-06' } });
			expect(row.warnings).toEqual([expect.stringMatching(/^Published as a percentage only: no base value found/)]);
		}
		expect(jobs!.citations).toEqual([expect.stringMatching(/^"job offers involving Docker \+1,720%": .*the original slide was not located$/)]);
		expect(boot2docker!.warnings[0]).toContain('about 500,000 downloads in mid-2014 (unverified');

		const csv = parse(formatReportCsv(answer.report), { columns: true }) as Record<string, string>[];
		expect(csv.map((row) => [row.series, row.growth_percent, row.end_value, row.published_percent_only, row.published_period])).toEqual([
			['reference:dockerhub:pulls', String(json.rows[0]!.growthPercent), '500000000', 'false', ''],
			['reference:dockerhub:repositories', String(json.rows[1]!.growthPercent), '150000', 'false', ''],
			['reference:docker-project:contributors', String(json.rows[2]!.growthPercent), '1302', 'false', ''],
			['reference:github:projects', String(json.rows[3]!.growthPercent), '41205', 'false', ''],
			['reference:dockerhub:users', '', '240000', 'false', ''],
			['reference:docker-jobs:job_offers', '1720', '', 'true', '2014-06/2015-06'],
			['reference:boot2docker:downloads', '1456', '', 'true', '2014-06/2015-06']
		]);
		expect(csv[6]!.citations).toBe(boot2docker!.citations[0]);
	});

	it('adds the published-percent-only figures only to reports over reference series that touch their months', async () => {
		const later = await report('series=reference:dockerhub:pulls&from=2016-01-01&to=2017-01-01');
		expect(later.rows.map((row) => row.series)).toEqual(['reference:dockerhub:pulls']);
		const measured = await report('series=github:report/monthly:stars&from=2014-06-09&to=2015-06-22');
		expect(measured.rows.every((row) => !row.isPublishedPercentOnly)).toBe(true);
	});

	it('reads each end as the nearest sample on or before it, and warns when that is far from the date asked', async () => {
		const r = await report('series=github:report/monthly:stars&from=2020-03-15&to=2021-12-31');
		const [row] = r.rows;
		expect(row!.start).toMatchObject({ ts: '2020-01-01T00:00:00.000Z', value: 1000 });
		expect(row!.end).toMatchObject({ ts: '2021-01-01T00:00:00.000Z', value: 2000 });
		expect(row!.growthPercent).toBe(100);
		// Far means more than a week or a tenth of the period (65 days here).
		expect(row!.warnings).toEqual([
			'the start value is from 2020-01-01, 74 days from the requested 2020-03-15',
			'the end value is from 2021-01-01, 365 days from the requested 2021-12-31'
		]);
		// CAGR of a doubling over 1 year exactly (2020-01-01 to 2021-01-01).
		expect(row!.cagrPercent).toBeCloseTo(100, 10);
	});

	it('compares with the period of the same length before, and flags a base too small for a percentage', async () => {
		const r = await report('series=github:report/monthly:stars&series=github:report/tiny:stars&from=2021-01-01&to=2022-01-01');
		const [monthly, tiny] = r.rows;
		expect(monthly!.growthPercent).toBe(100);
		// 2020-01-01 -> 2021-01-01: 1,000 -> 2,000 (the previous period ends where this one starts).
		expect(monthly!.previousGrowthPercent).toBe(100);
		expect(tiny!.statement).toBe('report/tiny stars grew 900% (x10) from 4 on 2021-01-01 to 40 on 2022-01-01');
		expect(tiny!.warnings).toEqual(['a base of 4 is below 100: the percentage says little']);
	});

	it('measures a series that starts late from its first sample and says so; no data is a warning, not a number', async () => {
		const r = await report('series=github:report/late:stars&series=github:report/monthly:stars&from=2021-01-01&to=2022-01-01');
		expect(r.rows[0]!.warnings[0]).toBe('no sample on or before 2021-01-01: measured from the first sample, on 2021-06-01');
		const none = await report('series=github:report/tiny:stars&from=2023-01-01&to=2024-01-01');
		expect(none.rows[0]).toMatchObject({ growthPercent: null, statement: null, warnings: ['no data in this period (last sample 2022-01-01)'] });
	});

	it('reports between two events, and refuses unknown series or events naming them', async () => {
		const between = await report(`series=github:report/monthly:stars&fromEvent=${eventIds[0]}&toEvent=${eventIds[1]}`);
		expect(between.period.label).toBe('between "v1.0" (2020-01-01) and "v2.0" (2021-01-01)');
		expect(between.rows[0]!.statement).toBe('report/monthly stars grew 100% (x2) from 1,000 on 2020-01-01 to 2,000 on 2021-01-01');
		const bad = await buildGrowthReport(database.db, parseReportQuery(new URLSearchParams('series=github:report/nope:stars&preset=1y')), now);
		expect(bad).toMatchObject({ ok: false, status: 404, parameter: 'series', message: 'unknown series: github:report/nope:stars' });
		const badEvent = await buildGrowthReport(database.db, parseReportQuery(new URLSearchParams('series=github:report/monthly:stars&fromEvent=999998&toEvent=999999')), now);
		expect(badEvent).toMatchObject({ ok: false, parameter: 'fromEvent' });
	});

	it('writes a CSV that parses back to the same numbers', async () => {
		const r = await report('series=reference:dockerhub:*&from=2014-06-09&to=2015-06-22');
		const rows = parse(formatReportCsv(r), { columns: true }) as Record<string, string>[];
		expect(rows.map((row) => row.series)).toEqual(r.rows.map((row) => row.series));
		expect(rows.map((row) => (row.growth_percent === '' ? null : Number(row.growth_percent)))).toEqual(r.rows.map((row) => row.growthPercent));
		expect(rows[0]!.statement).toBe(r.rows[0]!.statement);
	});
});
