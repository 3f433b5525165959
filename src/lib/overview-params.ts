import { z } from 'zod';

/**
 * The overview's URL parameters: `?window=30d|90d|1y|ytd|custom` and, for custom, `from` and `to` (ISO
 * dates, UTC). Browser-safe, so that the window picker and the server agree on names and labels.
 *
 * A bad parameter never fails the page: the page falls back to the default window and names the
 * parameter and what it expects.
 */

export const windowKinds = ['30d', '90d', '1y', 'ytd', 'custom'] as const;
export type WindowKind = (typeof windowKinds)[number];

/** A year: long enough to smooth out release spikes and seasonality, short enough to be "recent". */
export const defaultWindowKind = '1y' satisfies WindowKind;

export const windowLabels: Record<WindowKind, string> = {
	'30d': '30 days',
	'90d': '90 days',
	'1y': '1 year',
	ytd: 'Year to date',
	custom: 'Custom dates'
};

/** A growth window before it is pinned to a clock; dates are ISO (YYYY-MM-DD), read as UTC days. */
export type WindowSpec = { kind: Exclude<WindowKind, 'custom'> } | { kind: 'custom'; from: string; to: string | undefined };

export interface ParameterProblem {
	parameter: string;
	message: string;
}

export interface OverviewParams {
	window: WindowSpec;
	/** Empty when every parameter was understood; otherwise window is the default. */
	problems: ParameterProblem[];
}

export const knownParameters = ['window', 'from', 'to'] as const;

/** True for a real calendar day written YYYY-MM-DD (2015-02-30 is refused, not rolled over). */
export function isIsoDate(text: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!match) return false;
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	return year >= 1970 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const isoDate = z
	.string()
	.refine(isIsoDate, { error: (issue) => `"${String(issue.input)}" is not an ISO date such as 2015-06-22` });

// An empty date field (the picker's form submits `from=` when left blank) means "not given".
const optionalDate = z.preprocess((value) => (value === '' ? undefined : value), isoDate.optional());

const schema = z
	.object({
		window: z
			.enum(windowKinds, { error: (issue) => `"${String(issue.input)}" is not a window (expected one of ${windowKinds.join(', ')})` })
			.optional(),
		from: optionalDate,
		to: optionalDate
	})
	.strict()
	.superRefine((params, ctx) => {
		// from/to without a window mean custom; with a preset they are ignored (the form sends them anyway).
		const isCustom = params.window === 'custom' || (params.window === undefined && (params.from || params.to));
		if (isCustom && !params.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'a custom window needs a start date (from=2015-06-22)' });
		if (isCustom && params.from && params.to && params.from > params.to) {
			ctx.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${params.from})` });
		}
	});

function toProblem(issue: z.core.$ZodIssue): ParameterProblem {
	if (issue.code === 'unrecognized_keys') {
		return { parameter: issue.keys.join(', '), message: `unknown parameter (expected ${knownParameters.join(', ')})` };
	}
	return { parameter: String(issue.path[0] ?? 'query'), message: issue.message };
}

export function parseOverviewParams(params: URLSearchParams): OverviewParams {
	const input: Record<string, string> = {};
	const problems: ParameterProblem[] = [];
	for (const name of new Set(params.keys())) {
		const values = params.getAll(name);
		if (values.length > 1) problems.push({ parameter: name, message: 'given more than once' });
		input[name] = values[0]!;
	}
	const parsed = schema.safeParse(input);
	if (!parsed.success) problems.push(...parsed.error.issues.map(toProblem));
	if (problems.length > 0 || !parsed.success) return { window: { kind: defaultWindowKind }, problems };
	const { window, from, to } = parsed.data;
	if (window === 'custom' || (window === undefined && from)) return { window: { kind: 'custom', from: from!, to }, problems };
	return { window: { kind: window ?? defaultWindowKind }, problems };
}
