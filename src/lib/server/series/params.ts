import { z } from 'zod';
import type { SeriesRef } from '../../refs.js';
import { readQuery } from '../http/parse.js';
import { instantRange, isOrderedRange, orderedRange, seriesRef, wholeNumber } from '../http/schemas.js';
import { intervals, isBucketTransform, transforms, type Interval, type Transform } from '../metrics/intervals.js';

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

/** The parameters every series read takes (the API's, the explorer's, the export's). */
export const seriesQueryShape = {
	series: z
		.array(seriesRef)
		.min(1, 'give at least one series=<source>:<key>:<metric>')
		.max(maxSeriesPerRequest, `at most ${maxSeriesPerRequest} series per request`),
	...instantRange,
	interval: z.enum(intervals, { error: `expected one of ${intervals.join(', ')}` }).default('raw'),
	transform: z.enum(transforms, { error: `expected one of ${transforms.join(', ')}` }).default('value'),
	points: wholeNumber(10, 10_000).default(defaultPoints),
	smooth: z.coerce
		.number({ error: 'expected a whole number of periods' })
		.int('expected a whole number of periods')
		.min(1, 'expected at least 1 (no smoothing)')
		.max(366, 'expected at most 366 periods')
		.default(1)
};

/**
 * share and yoy compare buckets: at raw, series are sampled at different instants (no two share a
 * time) and a sample has no "same period a year before". Refused rather than silently bucketed, so
 * that the answer's interval is always the one asked for. A schema using it adds `.superRefine(...)`.
 */
export function refineBucketTransform(query: { interval: Interval; transform: Transform }, ctx: z.RefinementCtx): void {
	if (!isBucketTransform(query.transform) || query.interval !== 'raw') return;
	const what = query.transform === 'share' ? 'series at the same time' : 'each period with the same period a year before';
	ctx.addIssue({
		code: 'custom',
		path: ['transform'],
		message: `${query.transform} compares ${what}, so it needs interval=day, week, month, quarter or year (not raw)`
	});
}

/**
 * A derived series is a ratio computed at read time (series/derived.ts): its change, growth, index,
 * share or year-over-year would be a ratio of ratios nobody asked for, so only its value is read.
 */
export function refineDerivedTransform(refs: readonly SeriesRef[], transform: Transform, ctx: z.RefinementCtx): void {
	const derived = refs.find((ref) => ref.source === 'derived');
	if (!derived || transform === 'value') return;
	ctx.addIssue({
		code: 'custom',
		path: ['transform'],
		message: `${derived.source}:${derived.key}:${derived.metric} is a derived ratio, read as its value only; transform=${transform} is not available for it`
	});
}

export const seriesQuery = z
	.object(seriesQueryShape)
	.refine(isOrderedRange, orderedRange)
	.superRefine(refineBucketTransform)
	.superRefine((query, ctx) => refineDerivedTransform(query.series, query.transform, ctx));

/** Parses the query string of /api/series; throws ParameterError naming the first bad parameter. */
export function parseSeriesQuery(params: URLSearchParams): SeriesQuery {
	return readQuery(params, seriesQuery);
}
