import { stringify } from 'csv-stringify/sync';

/**
 * CSV cells for spreadsheets. Text that a spreadsheet would run as a formula (a cell starting with
 * =, +, -, @, tab or carriage return; OWASP "CSV injection") gets a leading apostrophe, which shows
 * the text as it is. Numbers are written as numbers, a negative one included: the neutralising
 * applies to text only, so a value column stays numeric.
 */

export type Cell = string | number | null;

const formulaStart = /^[=+\-@\t\r]/;

export function neutraliseText(text: string): string {
	return formulaStart.test(text) ? `'${text}` : text;
}

/** RFC 4180 lines (CRLF, fields quoted when they hold a comma, quote or line break), UTF-8 text. */
export function formatCsvRows(rows: readonly Cell[][]): string {
	const safe = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? neutraliseText(cell) : cell)));
	return stringify(safe, { record_delimiter: 'windows', quoted_match: /[\r\n]/, cast: { number: (n) => String(n) } });
}
