import { describe, expect, it } from 'vitest';
import { parseSampleCsv } from '../../src/lib/server/import/parse-csv.js';

describe('import CSV', () => {
	it('reads ts,value lines with or without a header, a BOM and CRLF', () => {
		const withHeader = parseSampleCsv('\uFEFFts,value\r\n2014-06-09,2750000\r\n2015-06-22T00:00:00Z,500000000\r\n');
		const without = parseSampleCsv('2014-06-09,2750000\n2015-06-22,500000000');
		for (const result of [withHeader, without]) {
			expect(result.ok).toBe(true);
			if (!result.ok) continue;
			expect(result.samples.map((s) => [s.ts.toISOString(), s.value])).toEqual([
				['2014-06-09T00:00:00.000Z', 2_750_000],
				['2015-06-22T00:00:00.000Z', 500_000_000]
			]);
		}
	});

	it('counts lines right in a file that mixes line endings', () => {
		const result = parseSampleCsv('ts,value\r\n2014-01-01,5\n2014-01-02,6\r\n2014-01-03,x\n');
		expect(result).toEqual({ ok: false, problems: [{ line: 4, message: '"x" is not a number' }] });
	});

	it('counts the lines of a quoted cell that spans lines', () => {
		const result = parseSampleCsv('ts,value\n2014-01-01,"1\n2"\n2014-01-03,x\n');
		expect(result).toEqual({
			ok: false,
			problems: [
				{ line: 2, message: '"1\n2" is not a number' },
				{ line: 4, message: '"x" is not a number' }
			]
		});
	});

	it('keeps counters above 2^31 exact', () => {
		const result = parseSampleCsv('ts,value\n2026-05-03,12981954060\n');
		expect(result.ok && result.samples[0]!.value).toBe(12_981_954_060);
	});

	it('reports every bad line with its number and returns no samples', () => {
		const result = parseSampleCsv(
			['ts,value', '2014-01-01,5', '', '2014-02-30,6', '2014-03-01,1,234', '2014-04-01,12abc', '2014-01-01,7', '2014-05-01,'].join('\n')
		);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.problems).toEqual([
			{ line: 4, message: expect.stringContaining('"2014-02-30" is not an ISO date') },
			{ line: 5, message: 'expected 2 columns (ts,value), found 3' },
			{ line: 6, message: '"12abc" is not a number' },
			{ line: 7, message: '2014-01-01T00:00:00.000Z already appears on line 2' },
			{ line: 8, message: '"" is not a number' }
		]);
	});

	it('refuses a wrong header, an empty file and broken quoting', () => {
		expect(parseSampleCsv('date,count\n2014-01-01,5')).toMatchObject({ ok: false, problems: [{ line: 1 }] });
		expect(parseSampleCsv('time,value\n2014-01-01,5')).toMatchObject({ ok: false, problems: [{ line: 1 }] });
		expect(parseSampleCsv('ts,value\n')).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining('no samples') }] });
		expect(parseSampleCsv('ts,value\n"2014-01-01,5\n')).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining('not valid CSV') }] });
	});

	it.each(['NaN', 'Infinity', '1e999', '0x10', '1,5'])('refuses the value %j', (value) => {
		expect(parseSampleCsv(`2014-01-01,"${value}"`).ok).toBe(false);
	});

	describe('rows that would corrupt the latest value', () => {
		const now = new Date('2026-12-01T09:00:00Z');

		it('refuses a timestamp more than a day after the import, with its line number', () => {
			const csv = 'ts,value\n2026-11-30,5\n2026-12-02T08:59:59Z,6\n2026-12-02T09:00:01Z,7\n9999-12-31,8\n';
			expect(parseSampleCsv(csv, { now })).toEqual({
				ok: false,
				problems: [
					{ line: 4, message: '"2026-12-02T09:00:01Z" is in the future (more than a day after 2026-12-01T09:00:00.000Z)' },
					{ line: 5, message: '"9999-12-31" is in the future (more than a day after 2026-12-01T09:00:00.000Z)' }
				]
			});
			expect(parseSampleCsv('ts,value\n2026-12-02T08:59:59Z,6\n', { now })).toMatchObject({ ok: true });
		});

		it('refuses a year past 9999 after its zone offset, as no date', () => {
			expect(parseSampleCsv('ts,value\n9999-12-31T23:00:00-05:00,1\n', { now: new Date('9999-12-31T00:00:00Z') })).toEqual({
				ok: false,
				problems: [{ line: 2, message: expect.stringContaining('"9999-12-31T23:00:00-05:00" is not an ISO date') }]
			});
		});

		it('refuses a negative value in a counter, with its line number, and takes it in a gauge', () => {
			const csv = 'ts,value\n2020-01-01,5\n2020-01-02,-1\n2020-01-03,-0.5e1\n2020-01-04,0\n';
			expect(parseSampleCsv(csv, { now, isCounter: true })).toEqual({
				ok: false,
				problems: [
					{ line: 3, message: '"-1" is negative, and the series is a counter' },
					{ line: 4, message: '"-0.5e1" is negative, and the series is a counter' }
				]
			});
			expect(parseSampleCsv(csv, { now, isCounter: false })).toMatchObject({ ok: true, samples: { length: 4 } });
		});
	});
});
