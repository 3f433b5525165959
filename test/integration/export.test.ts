import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client.js';
import { parseExportQuery } from '../../src/lib/server/export/params.js';
import { resolveExport, streamExportCsv } from '../../src/lib/server/export/stream.js';
import { testBackends } from '../helpers/databases.js';
import { readSeriesList, seedSeries } from '../helpers/samples.js';

const dayMs = 86_400_000;
const start = Date.UTC(2020, 0, 1);

describe.each(testBackends)('CSV export on $name', (backend) => {
	let database: Database;

	async function exportText(query: string): Promise<string> {
		const parsed = parseExportQuery(new URLSearchParams(query));
		const resolved = await resolveExport(database.db, parsed);
		if (!resolved.ok) throw new Error(resolved.message);
		let text = '';
		for await (const chunk of streamExportCsv(database, resolved.series, parsed)) text += chunk;
		return text;
	}

	const apiPoints = (query: string) => readSeriesList(database.db, query);

	beforeAll(async () => {
		database = await backend.open();
		// 400 days with a drop (a counter decrease) on day 100, so delta and growth go negative there.
		await seedSeries(database.db, 'export/daily', 'stars', Array.from({ length: 400 }, (_, i) => [
			new Date(start + i * dayMs).toISOString(),
			i === 100 ? 500 : 1_000 + i * 7
		]));
		await database.db.execute(sql`update samples set flags = '{decrease}' where value = 500`);
		await seedSeries(database.db, 'export/sparse', 'forks', [['2020-01-03T00:00:00Z', 5], ['2020-02-10T00:00:00Z', 9]]);
		// Longer than one page (10,000 rows), so the keyset paging and the transform state across pages show.
		await seedSeries(database.db, 'export/long', 'stars', Array.from({ length: 25_000 }, (_, i) => [new Date(start + i * 60_000).toISOString(), i * 2]));
	});
	afterAll(() => database.close());

	it.each([
		'interval=raw&transform=value',
		'interval=day&transform=delta&from=2020-02-01&to=2020-12-31',
		'interval=week&transform=growth',
		'interval=month&transform=index&from=2020-03-01',
		'interval=day&transform=delta&smooth=7',
		'interval=day&transform=yoy&from=2020-12-15',
		'interval=week&transform=yoy&smooth=2'
	])('writes the long layout with the numbers the series API gives (%s)', async (params) => {
		// Raw values come from COPY TO on PostgreSQL and from pages elsewhere: both must read the same.
		const text = await exportText(`series=github:export/daily:stars&${params}`);
		expect(text.replaceAll('\r\n', '')).not.toContain('\n');
		const rows = parse(text, { columns: true }) as Record<string, string>[];
		const [view] = await apiPoints(`series=github:export/daily:stars&${params}&points=10000`);
		expect(rows.map((r) => [r.ts, r.value === '' ? null : Number(r.value)])).toEqual(view!.points);
		expect(rows.map((r) => r.provenance)).toEqual(view!.pointProvenance);
		expect(rows.map((r) => (r.flags ? r.flags.split(' ') : []))).toEqual(view!.pointFlags);
		expect(rows[0]).toMatchObject({ series: 'github:export/daily:stars', target: 'github:export/daily', metric: 'stars' });
	});

	it('keeps negative values numeric (a drop is not a formula)', async () => {
		const rows = parse(await exportText('series=github:export/daily:stars&transform=delta&from=2020-04-10&to=2020-04-10'), { columns: true });
		expect(rows).toEqual([expect.objectContaining({ ts: '2020-04-10T00:00:00.000Z', value: String(500 - (1_000 + 99 * 7)), flags: 'decrease' })]);
	});

	it('writes exactly the points of a thinned view when points is given', async () => {
		const rows = parse(await exportText('series=github:export/daily:stars&points=50'), { columns: true }) as Record<string, string>[];
		const [view] = await apiPoints('series=github:export/daily:stars&points=50');
		expect(rows.map((r) => [r.ts, Number(r.value)])).toEqual(view!.points);
	});

	it('reads a series longer than a page in order, carrying the transform across pages', async () => {
		const rows = parse(await exportText('series=github:export/long:stars&transform=delta'), { columns: true }) as Record<string, string>[];
		expect(rows).toHaveLength(25_000);
		expect(rows[0]!.value).toBe('');
		expect(rows.slice(1).every((r) => r.value === '2')).toBe(true);
		expect(rows.at(-1)!.ts).toBe(new Date(start + 24_999 * 60_000).toISOString());
	});

	it('writes the wide layout with one column per series and a row per time either has', async () => {
		const text = await exportText('series=github:export/sparse:forks&series=github:export/daily:stars&interval=month&to=2020-03-31&format=wide');
		expect(parse(text)).toEqual([
			['ts', 'github:export/sparse:forks', 'github:export/daily:stars'],
			['2020-01-01T00:00:00.000Z', '5', String(1_000 + 30 * 7)],
			['2020-02-01T00:00:00.000Z', '9', String(1_000 + 59 * 7)],
			['2020-03-01T00:00:00.000Z', '', String(1_000 + 90 * 7)]
		]);
	});

	it('streams: the series after the first are read only once the first has been written', async () => {
		const query = parseExportQuery(new URLSearchParams('series=github:export/long:stars&series=github:export/sparse:forks'));
		const resolved = await resolveExport(database.db, query);
		if (!resolved.ok) throw new Error('missing');
		const chunks = streamExportCsv(database, resolved.series, query);
		await chunks.next();
		await chunks.next();
		// Written after the export began; a buffering export would have read the sparse series already.
		await seedSeries(database.db, 'export/sparse', 'forks', [['2020-03-01T00:00:00Z', 11]]);
		let rest = '';
		for await (const chunk of chunks) rest += chunk;
		expect(rest).toContain('github:export/sparse:forks,github:export/sparse,forks,2020-03-01T00:00:00.000Z,11,observed,');
		await database.db.execute(sql`delete from samples where value = 11 and ts = '2020-03-01T00:00:00Z'`);
	});

	it('names every unknown series before writing anything', async () => {
		const resolved = await resolveExport(database.db, parseExportQuery(new URLSearchParams('series=github:no/such:stars&series=github:export/daily:stars&series=github:export/daily:forks')));
		expect(resolved).toMatchObject({ ok: false, problem: 'missing', missing: ['github:no/such:stars', 'github:export/daily:forks'] });
	});

	it('exports every series a pattern matches, once each, and refuses a pattern matching none', async () => {
		const text = await exportText('series=github:export/*:*&series=github:export/daily:stars&interval=year&format=wide');
		expect(parse(text)[0]).toEqual(['ts', 'github:export/daily:stars', 'github:export/long:stars', 'github:export/sparse:forks']);
		const stars = await exportText('series=*:export/*:stars&interval=year');
		expect(new Set((parse(stars, { columns: true }) as { series: string }[]).map((r) => r.series))).toEqual(
			new Set(['github:export/daily:stars', 'github:export/long:stars'])
		);
		// LIKE's own wildcards match only themselves.
		const none = await resolveExport(database.db, parseExportQuery(new URLSearchParams('series=github:export_*:stars')));
		expect(none).toMatchObject({ ok: false, problem: 'missing', missing: ['github:export_*:stars'] });
	});

	it('refuses a wide export of more than 1,000 series and takes the same series in the long layout', async () => {
		await database.db.execute(sql`insert into targets (source, key, display_name) select 'github', 'wide/' || n, 'wide/' || n from generate_series(1, 1001) as n`);
		await database.db.execute(sql`insert into series (target_id, metric, unit, kind) select id, 'stars', 'stars', 'counter' from targets where key like 'wide/%'`);
		try {
			const wide = await resolveExport(database.db, parseExportQuery(new URLSearchParams('series=github:wide/*:stars&format=wide')));
			expect(wide).toMatchObject({ ok: false, problem: 'tooMany', message: expect.stringContaining('more than 1000 series match, the most the wide layout takes') });
			const long = await resolveExport(database.db, parseExportQuery(new URLSearchParams('series=github:wide/*:stars')));
			expect(long.ok && long.series.length).toBe(1001);
		} finally {
			await database.db.execute(sql`delete from targets where key like 'wide/%'`);
		}
	});
	describe('share of a basket and year over year', () => {
		const basket = 'series=github:export/daily:stars&series=github:export/sparse:forks&interval=month&to=2020-04-30&transform=share';
		const rowsOf = async (query: string) => parse(await exportText(query), { columns: true }) as Record<string, string>[];
		const cell = (text: string | undefined) => (text === '' || text === undefined ? null : Number(text));

		it('writes each series of the long layout as its share of the whole export basket, as the series API does', async () => {
			const rows = await rowsOf(basket);
			const views = await apiPoints(basket);
			for (const view of views) {
				expect(rows.filter((r) => r.series === view.series).map((r) => [r.ts, cell(r.value)])).toEqual(view.points);
			}
			// Thinned (points=), each series is still a share of the whole basket, not of itself.
			const thinned = await rowsOf(`${basket}&points=10`);
			expect(thinned.filter((r) => r.series === 'github:export/sparse:forks').map((r) => [r.ts, cell(r.value)])).toEqual(views[1]!.points);
		});

		it('writes wide rows that sum to 100 over the series a pattern selects, a series without a value left out', async () => {
			const table = parse(await exportText('series=github:export/*:*&interval=month&to=2020-04-30&transform=share&format=wide')) as string[][];
			expect(table[0]).toEqual(['ts', 'github:export/daily:stars', 'github:export/long:stars', 'github:export/sparse:forks']);
			expect(table).toHaveLength(5);
			for (const row of table.slice(1)) {
				const shares = row.slice(1).filter((v) => v !== '').map(Number);
				expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThanOrEqual(1e-9);
			}
			// March and April have only the daily series.
			expect(table[3]).toEqual(['2020-03-01T00:00:00.000Z', '100', '', '']);
		});

		it('carries yoy across pages, reading each series a year behind', async () => {
			// 11,000 days: longer than a page (10,000 rows); the value grows by 10% each calendar year.
			const first = Date.UTC(1995, 0, 1);
			await seedSeries(database.db, 'decades/daily', 'stars', Array.from({ length: 11_000 }, (_, i) => {
				const t = first + i * dayMs;
				return [new Date(t).toISOString(), 1_000 * 1.1 ** (new Date(t).getUTCFullYear() - 1995)];
			}));
			const rows = await rowsOf('series=github:decades/daily:stars&interval=day&transform=yoy');
			expect(rows).toHaveLength(11_000);
			expect(rows.slice(0, 365).every((r) => r.value === '')).toBe(true);
			expect(rows.slice(365).every((r) => Math.abs(Number(r.value) - 10) < 1e-9)).toBe(true);
			const window = await rowsOf('series=github:decades/daily:stars&interval=day&transform=yoy&from=2020-01-01&to=2020-01-03');
			expect(window.map((r) => Number(r.value))).toEqual([expect.closeTo(10, 9), expect.closeTo(10, 9), expect.closeTo(10, 9)]);
		});

		it('refuses share and yoy at interval=raw, naming transform', () => {
			expect(() => parseExportQuery(new URLSearchParams('series=github:export/*:*&transform=share'))).toThrow(expect.objectContaining({ parameter: 'transform' }));
			expect(() => parseExportQuery(new URLSearchParams('series=github:export/daily:stars&transform=yoy&interval=raw'))).toThrow(
				expect.objectContaining({ parameter: 'transform' })
			);
		});
	});
});
