import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { listEvents, upsertEvents } from '../../src/lib/server/db/queries/events.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { loadReferenceDataset } from '../../src/lib/server/reference/load.js';
import { buildGrowthReport } from '../../src/lib/server/report/build.js';
import { formatReportCsv } from '../../src/lib/server/report/csv.js';
import { parseReportQuery } from '../../src/lib/server/report/params.js';
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
			'GitHub projects about Docker grew 515% (x6.15) from 6,700 on 2014-06-09 to 41.21K on 2015-06-22'
		]);
		const pulls = r.rows[0]!;
		expect(pulls).toMatchObject({ change: 497_250_000, method: 'published reference figures', warnings: [] });
		expect(Math.round(pulls.growthPercent!)).toBe(18_082);
		expect(pulls.citations).toEqual([expect.stringContaining('2.75M Downloads'), expect.stringContaining('500,000,000 Pulls')]);
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
