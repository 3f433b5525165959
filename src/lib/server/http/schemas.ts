import { z } from 'zod';
import { isIsoDate } from '../../overview-params.js';
import { parseSeriesRef, parseTargetRef, type ParseResult } from '../../refs.js';
import { parseTargetInput } from '../../target-input.js';
import { isDateOnly, maxInstantMs, parseIsoInstant } from '../time.js';

/**
 * The reusable zod pieces of requests: ids, references, instants, ranges, page sizes. Every route, and
 * every command that takes the API's parameters, builds its schema from these, so that one kind of
 * input is read, and refused with the same words, in one way. Query strings and route parameters
 * arrive as text; JSON bodies use the same pieces for their text fields.
 */

/** Text read by a parser that says what is wrong (the browser-safe ones in refs.ts); its message is the issue's. */
export function parsedText<T>(parse: (text: string) => ParseResult<T>, expected: string) {
	return z.string({ error: expected }).transform((text, ctx): T => {
		const parsed = parse(text);
		if (parsed.ok) return parsed.value;
		ctx.addIssue({ code: 'custom', message: parsed.message });
		return z.NEVER;
	});
}

export const targetRef = parsedText(parseTargetRef, 'expected a target reference <source>:<key>');
export const seriesRef = parsedText(parseSeriesRef, 'expected a series reference <source>:<key>:<metric>');
/** What an analyst may paste to add a target: a reference, or its Docker Hub or GitHub URL. */
export const targetInput = parsedText(parseTargetInput, 'expected <source>:<key> or a Docker Hub or GitHub URL');

/** The largest id of an `integer` (serial) column: PostgreSQL's int4. */
export const maxRowId = 2_147_483_647;

/**
 * The id of a stored row in a route parameter or query value: digits only (no sign, exponent or
 * blanks), from 1 to the id columns' maximum, so that no id reaches SQL out of its column's range.
 * `what` reads "a rule".
 */
export function positiveId(what: string) {
	const message = `expected ${what} id (a whole number from 1 to ${maxRowId})`;
	return z
		.string({ error: message })
		.regex(/^\d{1,10}$/, message)
		.transform(Number)
		.refine((id) => id >= 1 && id <= maxRowId, message);
}

/** A route whose only parameter is a row id: /api/alerts/<id>, /api/events/<id>. */
export const idParams = (what: string) => z.object({ id: positiveId(what) });

/** A whole number from a query value, e.g. a page size; `1e3` and ` 12 ` are read as numbers do. */
export function wholeNumber(min: number, max: number) {
	return z.coerce
		.number({ error: 'expected a whole number' })
		.int('expected a whole number')
		.min(min, `expected at least ${min}`)
		.max(max, `expected at most ${max}`);
}

/** How many rows a list answers: `limit=` from 1 to max. */
export const pageLimit = (max: number, defaultLimit: number) => wholeNumber(1, max).default(defaultLimit);

function readInstant(text: string): ParseResult<Date> {
	const at = parseIsoInstant(text);
	return at ? { ok: true, value: at } : { ok: false, message: `"${text}" is not an ISO date (2015-06-22) or timestamp (2015-06-22T12:00:00Z)` };
}

/** An instant as time.ts reads it (a date is midnight UTC; a timestamp without a zone is UTC). */
export const isoInstant = parsedText(readInstant, 'expected an ISO date (2015-06-22) or timestamp (2015-06-22T12:00:00Z)');

/** A calendar day kept as its text (YYYY-MM-DD, UTC), e.g. a report's dates. */
export const isoDate = z
	.string({ error: 'expected an ISO date such as 2015-06-22' })
	.refine(isIsoDate, { error: (issue) => `"${String(issue.input)}" is not an ISO date such as 2015-06-22` });

/**
 * One bound of a read's range; an empty value (a form's blank date field sends `from=`) is no bound.
 * `to` is inclusive as written: `to=2015-06-22` includes that whole day and a timestamp includes
 * itself; it is kept as the first instant not wanted, so that reads compare `< to`.
 */
function rangeBound(bound: 'from' | 'to') {
	return z
		.string()
		.optional()
		.transform((text, ctx) => {
			if (text === undefined || text === '') return undefined;
			const at = readInstant(text);
			if (!at.ok) {
				ctx.addIssue({ code: 'custom', message: at.message });
				return z.NEVER;
			}
			if (bound === 'from') return at.value;
			// Kept within the years parseIsoInstant takes: the day after 9999-12-31 is in the year 10000.
			return new Date(Math.min(at.value.getTime() + (isDateOnly(text) ? 86_400_000 : 1), maxInstantMs));
		});
}

/** The `from`/`to` of a read; a schema using it adds `.refine(isOrderedRange, orderedRange)`. */
export const instantRange = { from: rangeBound('from'), to: rangeBound('to') };

export const isOrderedRange = (range: { from?: Date | undefined; to?: Date | undefined }) => !range.from || !range.to || range.from < range.to;

/** Where and how an empty range is refused. */
export const orderedRange = { path: ['to'], message: 'must be after from' };
