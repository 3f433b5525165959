import { z } from 'zod';
import { parseSeriesRef, type SeriesRef } from '../../refs.js';
import { intervals, transforms, type Interval, type Transform } from '../metrics/intervals.js';
import { isDateOnly, parseIsoInstant } from '../time.js';

/** The query string of /api/series (and of every view built on it), validated with zod. */

export const maxSeriesPerRequest = 20;
export const defaultPoints = 1000;

export interface SeriesQuery {
	series: SeriesRef[];
	from: Date | undefined;
	/** Exclusive; `to=2015-06-22` includes that whole day. */
	to: Date | undefined;
	interval: Interval;
	transform: Transform;
	points: number;
	/** Trailing moving average over this many periods, applied after the transform; 1 = none. */
	smooth: number;
}

export class ParameterError extends Error {
	constructor(
		readonly parameter: string,
		readonly reason: string
	) {
		super(`${parameter}: ${reason}`);
		this.name = 'ParameterError';
	}
}

const instant = (bound: 'from' | 'to') =>
	z
		.string()
		.optional()
		.transform((text, ctx) => {
			if (text === undefined || text === '') return undefined;
			const date = parseIsoInstant(text);
			if (!date) {
				ctx.addIssue({ code: 'custom', message: `"${text}" is not an ISO date (2015-06-22) or timestamp (2015-06-22T12:00:00Z)` });
				return z.NEVER;
			}
			// An upper bound names the last day or instant wanted; store it as the first one not wanted.
			if (bound === 'to') return new Date(date.getTime() + (isDateOnly(text) ? 86_400_000 : 1));
			return date;
		});

const seriesRef = z.string().transform((text, ctx) => {
	const parsed = parseSeriesRef(text);
	if (!parsed.ok) {
		ctx.addIssue({ code: 'custom', message: parsed.message });
		return z.NEVER;
	}
	return parsed.value;
});

/** The parameters every series read takes (the API's, the explorer's, the export's). */
export const seriesRefList = (max: number) =>
	z.array(seriesRef).min(1, 'give at least one series=<source>:<key>:<metric>').max(max, `at most ${max} series per request`);

export const seriesQueryShape = {
	series: seriesRefList(maxSeriesPerRequest),
	from: instant('from'),
	to: instant('to'),
	interval: z.enum(intervals, { error: `expected one of ${intervals.join(', ')}` }).default('raw'),
	transform: z.enum(transforms, { error: `expected one of ${transforms.join(', ')}` }).default('value'),
	points: z.coerce
		.number({ error: 'expected a whole number' })
		.int('expected a whole number')
		.min(10, 'expected at least 10')
		.max(10_000, 'expected at most 10000')
		.default(defaultPoints),
	smooth: z.coerce
		.number({ error: 'expected a whole number of periods' })
		.int('expected a whole number of periods')
		.min(1, 'expected at least 1 (no smoothing)')
		.max(366, 'expected at most 366 periods')
		.default(1)
};

export const isOrderedRange = (q: { from: Date | undefined; to: Date | undefined }) => !q.from || !q.to || q.from < q.to;

const schema = z
	.object(seriesQueryShape)
	.strict()
	.refine(isOrderedRange, { path: ['to'], message: 'must be after from' });

/**
 * Reads a query string with a zod object schema: every parameter but the repeatable ones may appear
 * once. Throws ParameterError naming the first bad parameter, or an unknown one.
 */
export function parseQueryParams<T>(
	params: URLSearchParams,
	schema: z.ZodType<T>,
	known: readonly string[],
	repeatable: ReadonlySet<string> = new Set(['series'])
): T {
	const input: Record<string, string | string[]> = {};
	for (const name of repeatable) input[name] = params.getAll(name);
	for (const name of new Set(params.keys())) {
		if (repeatable.has(name)) continue;
		const values = params.getAll(name);
		if (values.length > 1) throw new ParameterError(name, 'given more than once');
		input[name] = values[0]!;
	}
	const parsed = schema.safeParse(input);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		if (issue.code === 'unrecognized_keys') {
			throw new ParameterError(issue.keys[0]!, `unknown parameter (expected ${known.join(', ')})`);
		}
		throw new ParameterError(String(issue.path[0] ?? 'query'), issue.message);
	}
	return parsed.data;
}

/** Parses the query string of /api/series; throws ParameterError naming the first bad parameter. */
export function parseSeriesQuery(params: URLSearchParams): SeriesQuery {
	return parseQueryParams(params, schema, Object.keys(seriesQueryShape));
}
