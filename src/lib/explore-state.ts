import { z } from 'zod';
import { parseSeriesRef } from './refs.js';

/**
 * The explorer's whole state as it lives in the URL, so that a link reproduces a view. Browser-safe:
 * the page serialises it on every control change and the load function parses it. Defaults are left
 * out of the URL, so the plain /explore link is the default view.
 */

export const rangePresets = ['30d', '90d', '1y', '5y', 'ytd', 'all'] as const;
export type RangePreset = (typeof rangePresets)[number];
// The same lists as $lib/server/metrics/intervals (server-only, so not importable here).
export const exploreIntervals = ['raw', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type ExploreInterval = (typeof exploreIntervals)[number];
export const exploreTransforms = ['value', 'delta', 'growth', 'index', 'share', 'yoy'] as const;
export type ExploreTransform = (typeof exploreTransforms)[number];
export const viewModes = ['chart', 'table', 'both'] as const;
export type ViewMode = (typeof viewModes)[number];

/** How many series one chart draws; more may be selected (the URL keeps them), the rest are listed. */
export const maxDrawnSeries = 20;

export interface ExploreState {
	series: string[];
	range: RangePreset;
	/** Custom bounds (ISO dates, to inclusive); either one overrides the preset on its side. */
	from: string | undefined;
	to: string | undefined;
	interval: ExploreInterval;
	transform: ExploreTransform;
	smooth: number;
	log: boolean;
	align: boolean;
	view: ViewMode;
	/** Days to project each drawn counter forward (GET /api/forecast), or undefined for none. */
	forecast: number | undefined;
}

export const defaultExploreState: ExploreState = {
	series: [],
	range: 'all',
	from: undefined,
	to: undefined,
	interval: 'month',
	transform: 'value',
	smooth: 1,
	log: false,
	align: false,
	view: 'chart',
	forecast: undefined
};

/** The longest projection drawn; the same limit as /api/forecast's horizon. */
export const maxForecastDays = 1095;

export type ExploreParseResult = { ok: true; state: ExploreState } | { ok: false; parameter: string; reason: string };

/**
 * Built on first use rather than at import: the page imports this module for the URL helpers only,
 * and a schema built at module level would pull all of zod into the browser bundle.
 */
function buildSchema() {
	const isoDate = z
		.string()
		.optional()
		.refine((text) => text === undefined || text === '' || isValidIsoDate(text), 'expected an ISO date such as 2015-06-22')
		.transform((text) => (text ? text : undefined));

	const flag = z.enum(['true', 'false', '1', '0'], { error: 'expected true or false' }).transform((v) => v === 'true' || v === '1');

	const seriesRef = z.string().superRefine((text, ctx) => {
		const parsed = parseSeriesRef(text);
		if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
	});

	return z
		.object({
			series: z.array(seriesRef),
			range: z.enum(rangePresets, { error: `expected one of ${rangePresets.join(', ')}` }).default(defaultExploreState.range),
			from: isoDate,
			to: isoDate,
			interval: z.enum(exploreIntervals, { error: `expected one of ${exploreIntervals.join(', ')}` }).default(defaultExploreState.interval),
			transform: z.enum(exploreTransforms, { error: `expected one of ${exploreTransforms.join(', ')}` }).default(defaultExploreState.transform),
			smooth: z.coerce
				.number({ error: 'expected a whole number of periods' })
				.int('expected a whole number of periods')
				.min(1, 'expected at least 1 (no smoothing)')
				.max(366, 'expected at most 366 periods')
				.default(1),
			log: flag.default(false),
			align: flag.default(false),
			view: z.enum(viewModes, { error: `expected one of ${viewModes.join(', ')}` }).default(defaultExploreState.view),
			forecast: z.coerce
				.number({ error: 'expected a whole number of days' })
				.int('expected a whole number of days')
				.min(1, 'expected at least 1 day')
				.max(maxForecastDays, `expected at most ${maxForecastDays} days`)
				.optional()
		})
		.strict()
		.refine((s) => !s.from || !s.to || s.from <= s.to, { path: ['to'], message: 'must not be before from' });
}

let schema: ReturnType<typeof buildSchema> | undefined;

function isValidIsoDate(text: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
	const date = new Date(`${text}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Reads the state from a query string; names the first bad parameter instead of guessing. */
export function parseExploreState(params: URLSearchParams): ExploreParseResult {
	const input: Record<string, string | string[]> = { series: params.getAll('series') };
	for (const name of new Set(params.keys())) {
		if (name === 'series') continue;
		const values = params.getAll(name);
		if (values.length > 1) return { ok: false, parameter: name, reason: 'given more than once' };
		input[name] = values[0]!;
	}
	schema ??= buildSchema();
	const parsed = schema.safeParse(input);
	if (parsed.success) return { ok: true, state: { ...parsed.data, forecast: parsed.data.forecast, series: [...new Set(parsed.data.series)] } };
	const issue = parsed.error.issues[0]!;
	if (issue.code === 'unrecognized_keys') {
		return { ok: false, parameter: issue.keys[0]!, reason: `unknown parameter (expected ${Object.keys(schema.shape).join(', ')})` };
	}
	return { ok: false, parameter: String(issue.path[0] ?? 'query'), reason: issue.message };
}

/** The query string for a state, defaults left out; parseExploreState reads it back to the same state. */
export function serializeExploreState(state: ExploreState): URLSearchParams {
	const params = new URLSearchParams();
	for (const series of state.series) params.append('series', series);
	const d = defaultExploreState;
	if (state.range !== d.range) params.set('range', state.range);
	if (state.from) params.set('from', state.from);
	if (state.to) params.set('to', state.to);
	if (state.interval !== d.interval) params.set('interval', state.interval);
	if (state.transform !== d.transform) params.set('transform', state.transform);
	if (state.smooth !== d.smooth) params.set('smooth', String(state.smooth));
	if (state.log) params.set('log', 'true');
	if (state.align) params.set('align', 'true');
	if (state.view !== d.view) params.set('view', state.view);
	if (state.forecast !== undefined) params.set('forecast', String(state.forecast));
	return params;
}

/**
 * The state after choosing a transform: share and yoy compare periods, which raw samples are not (the
 * server refuses the pair with interval=raw), so choosing either at raw moves to days.
 */
export function withTransform(state: ExploreState, transform: ExploreTransform): ExploreState {
	const needsBuckets = transform === 'share' || transform === 'yoy';
	return { ...state, transform, interval: needsBuckets && state.interval === 'raw' ? 'day' : state.interval };
}

export function buildExploreHref(state: ExploreState, path = '/explore'): string {
	const query = serializeExploreState(state).toString();
	return query ? `${path}?${query}` : path;
}

const dayMs = 86_400_000;
const presetDays: Partial<Record<RangePreset, number>> = { '30d': 30, '90d': 90, '1y': 365, '5y': 5 * 365 + 1 };

/**
 * The ISO date bounds to read (to inclusive), from the custom dates or else the preset, counted back
 * from today's UTC date; undefined means open on that side.
 */
export function resolveRange(state: Pick<ExploreState, 'range' | 'from' | 'to'>, nowMs: number): { from?: string; to?: string } {
	const today = Math.floor(nowMs / dayMs) * dayMs;
	const days = presetDays[state.range];
	let presetFrom: string | undefined;
	if (days !== undefined) presetFrom = new Date(today - (days - 1) * dayMs).toISOString().slice(0, 10);
	else if (state.range === 'ytd') presetFrom = `${new Date(today).getUTCFullYear()}-01-01`;
	return { from: state.from ?? presetFrom, to: state.to };
}
