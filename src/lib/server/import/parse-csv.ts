import { parse } from 'csv-parse/sync';
import type { SampleInput } from '../db/queries/samples.js';
import { parseIsoInstant } from '../time.js';

/**
 * Parses an import file: columns `ts,value`, one sample per line, a header line optional. Every line
 * is checked before anything is written; the caller gets either all the samples or every problem with
 * its line number (the first maxProblems of them).
 */

export interface CsvProblem {
	line: number;
	message: string;
}

export type SampleCsvResult = { ok: true; samples: SampleInput[] } | { ok: false; problems: CsvProblem[] };

export interface SampleCsvOptions {
	/** The import's clock: a sample more than a day after it is refused. */
	now?: Date;
	/** A counter's series: a negative value is refused. */
	isCounter?: boolean;
}

// A day of slack for clocks and zones; past it a sample would become the series' latest value for
// good, hiding every real one until then (and keeping `stale` alerts from ever firing).
const futureSlackMs = 86_400_000;

const maxProblems = 50;
// Plain decimal or scientific notation; no thousands separators, which would be ambiguous (1,234).
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseRecords(text: string): { records: string[][]; problem?: CsvProblem } {
	try {
		// Empty lines are kept (as ['']) so that record and line numbers stay in step; csv-parse's own
		// `info` line count would do it too but triples the parse time. Files put together from several
		// sources mix line endings, so accept all three everywhere.
		const records = parse(text, {
			bom: true,
			trim: true,
			relax_column_count: true,
			record_delimiter: ['\r\n', '\n', '\r']
		}) as string[][];
		return { records };
	} catch (error) {
		const e = error as Error & { lines?: number };
		return { records: [], problem: { line: e.lines ?? 1, message: `not valid CSV: ${e.message}` } };
	}
}

/** Line breaks inside quoted cells: such a record is refused, but the lines after it count on. */
function countLineBreaks(cells: string[]): number {
	let count = 0;
	for (const cell of cells) {
		// The cheap test first: almost no cell holds a line break.
		if (cell.includes('\n') || cell.includes('\r')) count += cell.match(/\r\n|\n|\r/g)!.length;
	}
	return count;
}

function parseRow(cells: string[], latestMs: number, isCounter: boolean): { sample?: SampleInput; message?: string } {
	if (cells.length !== 2) return { message: `expected 2 columns (ts,value), found ${cells.length}` };
	const [tsText, valueText] = cells as [string, string];
	const ts = parseIsoInstant(tsText);
	if (!ts) return { message: `"${tsText}" is not an ISO date (2015-06-22) or timestamp (2015-06-22T12:00:00Z) from 1970 to 9999` };
	if (ts.getTime() > latestMs) return { message: `"${tsText}" is in the future (more than a day after ${new Date(latestMs - futureSlackMs).toISOString()})` };
	if (!numberPattern.test(valueText)) return { message: `"${valueText}" is not a number` };
	const value = Number(valueText);
	if (!Number.isFinite(value)) return { message: `"${valueText}" is out of range` };
	if (isCounter && value < 0) return { message: `"${valueText}" is negative, and the series is a counter` };
	return { sample: { ts, value } };
}

export function parseSampleCsv(text: string, options: SampleCsvOptions = {}): SampleCsvResult {
	const latestMs = (options.now ?? new Date()).getTime() + futureSlackMs;
	const isCounter = options.isCounter ?? false;
	const { records, problem } = parseRecords(text);
	if (problem) return { ok: false, problems: [problem] };
	const problems: CsvProblem[] = [];
	const samples: SampleInput[] = [];
	const lineOfTs = new Map<number, number>();
	let nextLine = 1;
	records.forEach((cells, index) => {
		const line = nextLine;
		nextLine += 1 + countLineBreaks(cells);
		if (cells.length === 1 && cells[0] === '') return;
		if (index === 0 && cells[0]?.toLowerCase() === 'ts') {
			if (cells.length !== 2 || cells[1]?.toLowerCase() !== 'value') {
				problems.push({ line, message: `expected the header ts,value, found ${cells.join(',')}` });
			}
			return;
		}
		const { sample, message } = parseRow(cells, latestMs, isCounter);
		if (!sample) {
			problems.push({ line, message: message! });
			return;
		}
		const earlier = lineOfTs.get(sample.ts.getTime());
		if (earlier !== undefined) {
			problems.push({ line, message: `${sample.ts.toISOString()} already appears on line ${earlier}` });
			return;
		}
		lineOfTs.set(sample.ts.getTime(), line);
		samples.push(sample);
	});
	if (problems.length > 0) return { ok: false, problems: problems.slice(0, maxProblems) };
	if (samples.length === 0) return { ok: false, problems: [{ line: 1, message: 'no samples: expected lines of ts,value' }] };
	return { ok: true, samples };
}
