import { describe, expect, it } from 'vitest';
import { parseSampleCsv } from '../../src/lib/server/import/parse-csv.js';

describe('import CSV', () => {
	it('reads ts,value lines with or without a header, a BOM and CRLF', async () => {
		const withHeader = await parseSampleCsv('\uFEFFts,value\r\n2014-06-09,2750000\r\n2015-06-22T00:00:00Z,500000000\r\n');
		const without = await parseSampleCsv('2014-06-09,2750000\n2015-06-22,500000000');
		for (const result of [withHeader, without]) {
			expect(result.ok).toBe(true);
			if (!result.ok) continue;
			expect(result.samples.map((s) => [s.ts.toISOString(), s.value])).toEqual([
				['2014-06-09T00:00:00.000Z', 2_750_000],
				['2015-06-22T00:00:00.000Z', 500_000_000]
			]);
		}
	});

	it('counts lines right in a file that mixes line endings', async () => {
		const result = await parseSampleCsv('ts,value\r\n2014-01-01,5\n2014-01-02,6\r\n2014-01-03,x\n');
		expect(result).toEqual({ ok: false, kind: 'invalid', problems: [{ line: 4, message: '"x" is not a number' }] });
	});

	it('counts the lines of a quoted cell that spans lines', async () => {
		const result = await parseSampleCsv('ts,value\n2014-01-01,"1\n2"\n2014-01-03,x\n');
		expect(result).toEqual({
			ok: false,
			kind: 'invalid',
			problems: [
				{ line: 2, message: '"1\n2" is not a number' },
				{ line: 4, message: '"x" is not a number' }
			]
		});
	});

	it('keeps counters above 2^31 exact', async () => {
		const result = await parseSampleCsv('ts,value\n2026-05-03,12981954060\n');
		expect(result.ok && result.samples[0]!.value).toBe(12_981_954_060);
	});

	it('reports every bad line with its number and returns no samples', async () => {
		const result = await parseSampleCsv(
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

	it('refuses a wrong header, an empty file and broken quoting', async () => {
		expect(await parseSampleCsv('date,count\n2014-01-01,5')).toMatchObject({ ok: false, problems: [{ line: 1 }] });
		expect(await parseSampleCsv('time,value\n2014-01-01,5')).toMatchObject({ ok: false, problems: [{ line: 1 }] });
		expect(await parseSampleCsv('ts,value\n')).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining('no samples') }] });
		expect(await parseSampleCsv('ts,value\n"2014-01-01,5\n')).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining('not valid CSV') }] });
	});

	it.each(['NaN', 'Infinity', '1e999', '0x10', '1,5'])('refuses the value %j', async (value) => {
		expect((await parseSampleCsv(`2014-01-01,"${value}"`)).ok).toBe(false);
	});

	describe('rows that would corrupt the latest value', () => {
		const now = new Date('2026-12-01T09:00:00Z');

		it('refuses a timestamp more than a day after the import, with its line number', async () => {
			const csv = 'ts,value\n2026-11-30,5\n2026-12-02T08:59:59Z,6\n2026-12-02T09:00:01Z,7\n9999-12-31,8\n';
			expect(await parseSampleCsv(csv, { now })).toEqual({
				ok: false,
				kind: 'invalid',
				problems: [
					{ line: 4, message: '"2026-12-02T09:00:01Z" is in the future (more than a day after 2026-12-01T09:00:00.000Z)' },
					{ line: 5, message: '"9999-12-31" is in the future (more than a day after 2026-12-01T09:00:00.000Z)' }
				]
			});
			expect(await parseSampleCsv('ts,value\n2026-12-02T08:59:59Z,6\n', { now })).toMatchObject({ ok: true });
		});

		it('refuses a year past 9999 after its zone offset, as no date', async () => {
			expect(await parseSampleCsv('ts,value\n9999-12-31T23:00:00-05:00,1\n', { now: new Date('9999-12-31T00:00:00Z') })).toEqual({
				ok: false,
				kind: 'invalid',
				problems: [{ line: 2, message: expect.stringContaining('"9999-12-31T23:00:00-05:00" is not an ISO date') }]
			});
		});

		it('refuses a negative value in a counter, with its line number, and takes it in a gauge', async () => {
			const csv = 'ts,value\n2020-01-01,5\n2020-01-02,-1\n2020-01-03,-0.5e1\n2020-01-04,0\n';
			expect(await parseSampleCsv(csv, { now, isCounter: true })).toEqual({
				ok: false,
				kind: 'invalid',
				problems: [
					{ line: 3, message: '"-1" is negative, and the series is a counter' },
					{ line: 4, message: '"-0.5e1" is negative, and the series is a counter' }
				]
			});
			expect(await parseSampleCsv(csv, { now, isCounter: false })).toMatchObject({ ok: true, samples: { length: 4 } });
		});
	});

	describe('read as it arrives', () => {
		async function* pieces(text: string, size: number) {
			for (let at = 0; at < text.length; at += size) yield new TextEncoder().encode(text.slice(at, at + size));
		}

		it('reads a file cut anywhere into chunks the same as the whole text, line numbers included', async () => {
			const csv = 'ts,value\r\n2014-01-01,5\n2014-01-02,"6\n"\r\n2014-01-03,x\n2014-01-04,7\n';
			const whole = await parseSampleCsv(csv);
			expect(whole).toMatchObject({ ok: false, problems: [{ line: 3 }, { line: 5 }] });
			for (const size of [1, 2, 7, 13]) expect(await parseSampleCsv(pieces(csv, size))).toEqual(whole);
		});

		it('refuses the first data line past maxRows by number, as too many rows, and stops reading there', async () => {
			let chunksRead = 0;
			async function* counted() {
				yield 'ts,value\n\n';
				for (let day = 1; day <= 100_000; day++) {
					chunksRead++;
					yield `${new Date(Date.UTC(2000, 0, 1) + day * 60_000).toISOString()},${day}\n`;
				}
			}
			const result = await parseSampleCsv(counted(), { maxRows: 3 });
			expect(result).toEqual({
				ok: false,
				kind: 'tooManyRows',
				problems: [{ line: 6, message: 'more than 3 rows, the most one import takes (IMPORT_MAX_ROWS); split the file' }]
			});
			// What stream buffers had taken in (tens of KB) at most, not the whole source.
			expect(chunksRead).toBeLessThan(5_000);
			expect(await parseSampleCsv('ts,value\n2014-01-01,1\n2014-01-02,2\n2014-01-03,3\n', { maxRows: 3 })).toMatchObject({ ok: true });
		});

		it('throws the error of its source as it is (a body cut at its size limit)', async () => {
			class Cut extends Error {}
			async function* failing() {
				yield '2014-01-01,1\n';
				throw new Cut('cut');
			}
			await expect(parseSampleCsv(failing())).rejects.toBeInstanceOf(Cut);
		});
	});
});
