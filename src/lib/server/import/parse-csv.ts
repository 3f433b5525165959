import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CsvError, parse, type Parser } from 'csv-parse';
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

export type SampleCsvResult =
	| { ok: true; samples: SampleInput[] }
	/** `tooManyRows`: the file has more data lines than maxRows (the last problem says where). */
	| { ok: false; problems: CsvProblem[]; kind: 'invalid' | 'tooManyRows' };

export interface SampleCsvOptions {
	/** The import's clock: a sample more than a day after it is refused. */
	now?: Date;
	/** A counter's series: a negative value is refused. */
	isCounter?: boolean;
	/** Data lines past this many are refused (the header and empty lines do not count). */
	maxRows?: number;
}

// A day of slack for clocks and zones; past it a sample would become the series' latest value for
// good, hiding every real one until then (and keeping `stale` alerts from ever firing).
const futureSlackMs = 86_400_000;

const maxProblems = 50;
// Plain decimal or scientific notation; no thousands separators, which would be ambiguous (1,234).
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

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

/** Where an import's text comes from: the whole text, or chunks of it as they arrive (a request body, a file). */
export type CsvSource = string | AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array>;

// A string is fed in pieces of this size, as a stream would be, so that no one step parses it all.
const textChunkChars = 65_536;

function* splitText(text: string): Generator<string> {
	for (let at = 0; at < text.length; at += textChunkChars) yield text.slice(at, at + textChunkChars);
}

function openRecords(source: CsvSource): Parser {
	// Empty lines are kept (as ['']) so that record and line numbers stay in step; csv-parse's own
	// `info` line count would do it too but triples the parse time. Files put together from several
	// sources mix line endings, so accept all three everywhere.
	const parser = parse({ bom: true, trim: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] });
	const input =
		source instanceof ReadableStream
			? Readable.fromWeb(source as unknown as WebReadableStream<Uint8Array>)
			: Readable.from(typeof source === 'string' ? splitText(source) : source, { objectMode: false });
	// pipe() does not pass errors on: a body cut at its size limit must end the parse with its own error.
	input.on('error', (error) => parser.destroy(error));
	input.pipe(parser);
	return parser;
}

/** The samples of an import so far, or its problems; once a problem is found, samples are no longer kept. */
class SampleCollector {
	readonly problems: CsvProblem[] = [];
	samples: SampleInput[] = [];
	kind: 'invalid' | 'tooManyRows' = 'invalid';
	private readonly lineOfTs = new Map<number, number>();
	private readonly latestMs: number;
	private nextLine = 1;
	private index = 0;
	private rows = 0;

	constructor(private readonly options: SampleCsvOptions) {
		this.latestMs = (options.now ?? new Date()).getTime() + futureSlackMs;
	}

	/** Takes one record; false once reading on is pointless (enough problems, or too many rows). */
	add(cells: string[]): boolean {
		const line = this.nextLine;
		this.nextLine += 1 + countLineBreaks(cells);
		const isFirst = this.index++ === 0;
		if (cells.length === 1 && cells[0] === '') return true;
		if (isFirst && cells[0]?.toLowerCase() === 'ts') {
			if (cells.length !== 2 || cells[1]?.toLowerCase() !== 'value') this.refuse(line, `expected the header ts,value, found ${cells.join(',')}`);
			return true;
		}
		if (++this.rows > (this.options.maxRows ?? Infinity)) {
			this.refuse(line, `more than ${this.options.maxRows} rows, the most one import takes (IMPORT_MAX_ROWS); split the file`, 'tooManyRows');
			return false;
		}
		const { sample, message } = parseRow(cells, this.latestMs, this.options.isCounter ?? false);
		if (!sample) return this.refuse(line, message!);
		const earlier = this.lineOfTs.get(sample.ts.getTime());
		if (earlier !== undefined) return this.refuse(line, `${sample.ts.toISOString()} already appears on line ${earlier}`);
		this.lineOfTs.set(sample.ts.getTime(), line);
		if (this.problems.length === 0) this.samples.push(sample);
		return true;
	}

	refuse(line: number, message: string, kind: 'invalid' | 'tooManyRows' = 'invalid'): boolean {
		this.problems.push({ line, message });
		if (kind === 'tooManyRows') this.kind = kind;
		this.samples = [];
		return this.problems.length < maxProblems;
	}
}

/**
 * Reads an import's text as it arrives, checking each line as it comes, so that memory holds the
 * samples (never the text) and no single step blocks the event loop for long. Reading stops at the
 * first line past maxRows, or at maxProblems problems; what was not read is left unread. An error of
 * the source (a body past its size limit) is thrown as it is.
 */
export async function parseSampleCsv(source: CsvSource, options: SampleCsvOptions = {}): Promise<SampleCsvResult> {
	const collector = new SampleCollector(options);
	try {
		for await (const cells of openRecords(source)) {
			if (!collector.add(cells as string[])) break;
		}
	} catch (error) {
		if (!(error instanceof CsvError)) throw error;
		const e = error as CsvError & { lines?: number };
		collector.refuse(e.lines ?? 1, `not valid CSV: ${e.message}`);
	}
	if (collector.problems.length > 0) return { ok: false, problems: collector.problems.slice(0, maxProblems), kind: collector.kind };
	if (collector.samples.length === 0) return { ok: false, problems: [{ line: 1, message: 'no samples: expected lines of ts,value' }], kind: 'invalid' };
	return { ok: true, samples: collector.samples };
}
