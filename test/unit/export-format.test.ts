import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseNameValueArgs } from '../../scripts/cli.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { canCopyExport } from '../../src/lib/server/export/copy.js';
import { formatCsvRows, neutraliseText } from '../../src/lib/server/export/csv-cells.js';
import { buildExportFileName, parseExportQuery } from '../../src/lib/server/export/params.js';
import { ParameterError } from '../../src/lib/server/http/parse.js';

describe('CSV cells', () => {
	it.each(['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])('neutralises text a spreadsheet would run: %j', (text) => {
		expect(neutraliseText(text)).toBe(`'${text}`);
	});

	it('leaves ordinary text and every number as it is, a negative number included', () => {
		const csv = formatCsvRows([['github:moby/moby:stars', -12.5, 12_981_954_060, null, '=1+1']]);
		expect(csv).toBe(`github:moby/moby:stars,-12.5,12981954060,,'=1+1\r\n`);
	});

	it('quotes fields with commas, quotes and line breaks as RFC 4180 says, and parses back', () => {
		const rows = [['a,b', 'say "hi"', 'two\nlines', 'plain', 'ünïcode']];
		const csv = formatCsvRows(rows);
		expect(csv).toBe('"a,b","say ""hi""","two\nlines",plain,ünïcode\r\n');
		expect(parse(csv)).toEqual(rows);
	});
});

describe('export parameters', () => {
	const parseQuery = (text: string) => parseExportQuery(new URLSearchParams(text));

	it('takes the series API parameters, no thinning unless points is given, long layout by default', () => {
		const q = parseQuery('series=github:moby/moby:stars&from=2016-01-01&to=2025-12-31&interval=day&transform=delta&smooth=7');
		expect(q).toMatchObject({ interval: 'day', transform: 'delta', smooth: 7, format: 'long' });
		expect(q.points).toBeUndefined();
		expect(parseQuery('series=github:moby/moby:stars&points=500&format=wide')).toMatchObject({ points: 500, format: 'wide' });
	});

	it('allows up to 100 series and names a bad parameter', () => {
		const many = Array.from({ length: 100 }, (_, i) => `series=github:o/r${i}:stars`).join('&');
		expect(parseQuery(many).series).toHaveLength(100);
		expect(() => parseQuery(`${many}&series=github:o/x:stars`)).toThrow(/at most 100/);
		expect(() => parseQuery('series=github:moby/moby:stars&format=xlsx')).toThrow(ParameterError);
		expect(() => parseQuery('series=github:moby/moby:stars&colour=red')).toThrow(/colour: unknown parameter/);
	});

	it('reads patterns with * as sets of series, and names what is wrong in a bad one', () => {
		expect(parseQuery('series=github:*:stars').series).toEqual([
			{ kind: 'pattern', pattern: { source: 'github', keyGlob: '*', metric: 'stars' }, text: 'github:*:stars' }
		]);
		expect(parseQuery('series=*:library/*:*').series[0]).toMatchObject({ pattern: { source: '*', keyGlob: 'library/*', metric: '*' } });
		expect(() => parseQuery('series=gitlab:*:stars')).toThrow(/unknown source "gitlab"/);
		expect(() => parseQuery('series=github:a b*:stars')).toThrow(/not a key pattern/);
		expect(() => parseQuery('series=github:*')).toThrow(/not a pattern/);
		expect(buildExportFileName(parseQuery('series=github:*:stars&interval=month'))).toBe('dockpulse_github_all_stars_month_value_start_to_latest_long.csv');
	});

	it('names the download after what is inside', () => {
		expect(buildExportFileName(parseQuery('series=github:moby/moby:stars&from=2016-01-01&to=2025-12-31&interval=day'))).toBe(
			'dockpulse_github_moby_moby_stars_day_value_2016-01-01_to_2025-12-31_long.csv'
		);
		expect(buildExportFileName(parseQuery('series=github:a/b:stars&series=dockerhub:library/nginx:pulls&transform=growth&smooth=7&format=wide'))).toBe(
			'dockpulse_2-series_raw_growth_ma7_start_to_latest_wide.csv'
		);
	});
});

describe('command-line parameters', () => {
	it('reads name=value, --name=value and --name value, repeated names included', () => {
		const params = parseNameValueArgs(['series=github:a/b:stars', '--series', 'github:c/d:stars', '--interval=month']);
		expect(params.getAll('series')).toEqual(['github:a/b:stars', 'github:c/d:stars']);
		expect(params.get('interval')).toBe('month');
		expect(() => parseNameValueArgs(['month'])).toThrow(ParameterError);
	});
});

describe('the COPY fast path', () => {
	const postgres = { kind: 'postgres', pool: {} } as unknown as Database;
	const pglite = { kind: 'pglite' } as unknown as Database;
	const query = (text: string) => parseExportQuery(new URLSearchParams(`series=github:a/b:stars&${text}`));

	it('is taken only for stored values in the long layout, on PostgreSQL', () => {
		expect(canCopyExport(postgres, query('from=2020-01-01'))).toBe(true);
		expect(canCopyExport(pglite, query(''))).toBe(false);
		for (const other of ['interval=day', 'transform=delta', 'smooth=7', 'points=100', 'format=wide']) {
			expect(canCopyExport(postgres, query(other)), other).toBe(false);
		}
	});
});
