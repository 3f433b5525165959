import { z } from 'zod';
import { parseSeriesRef, sources, type SeriesRef } from '../../refs.js';
import type { SeriesPattern } from '../db/queries/targets.js';
import type { Interval, Transform } from '../metrics/intervals.js';
import { isOrderedRange, parseQueryParams, seriesQueryShape } from '../series-params.js';

/**
 * The query of GET /api/export.csv and `npm run export`: the series API's parameters, plus the CSV
 * layout. Without `points` every point is written (no thinning); with it, the export holds exactly
 * the points the series API answers.
 */

export const exportFormats = ['long', 'wide'] as const;
export type ExportFormat = (typeof exportFormats)[number];
export const maxSelectorsPerExport = 100;

/**
 * What an export holds: named series, or every series a pattern matches (`github:*:stars`,
 * `dockerhub:library/*:pulls`, `github:moby/moby:*`), so that a whole metric can be exported without a
 * URL naming thousands of series.
 */
export type ExportSelector = { kind: 'series'; ref: SeriesRef; text: string } | { kind: 'pattern'; pattern: SeriesPattern; text: string };

export interface ExportQuery {
	series: ExportSelector[];
	from: Date | undefined;
	to: Date | undefined;
	interval: Interval;
	transform: Transform;
	smooth: number;
	points?: number;
	format: ExportFormat;
}

const keyGlobPattern = /^[A-Za-z0-9.*_\-/:@+]{1,200}$/;
const metricPattern = /^([a-z][a-z0-9_]{0,62}|\*)$/;

function parsePattern(text: string): SeriesPattern | string {
	const first = text.indexOf(':');
	const last = text.lastIndexOf(':');
	if (first < 0 || last === first) return `"${text}" is not a pattern <source>:<key with *>:<metric>`;
	const source = text.slice(0, first);
	const keyGlob = text.slice(first + 1, last);
	const metric = text.slice(last + 1);
	if (source !== '*' && !(sources as readonly string[]).includes(source)) return `unknown source "${source}" (expected * or one of ${sources.join(', ')})`;
	if (!keyGlobPattern.test(keyGlob)) return `"${keyGlob}" is not a key pattern: letters, digits, . _ - / : @ + and * only`;
	if (!metricPattern.test(metric)) return `"${metric}" is not a metric or *`;
	return { source, keyGlob, metric };
}

const selector = z.string().transform((text, ctx): ExportSelector => {
	if (text.includes('*')) {
		const pattern = parsePattern(text);
		if (typeof pattern === 'string') {
			ctx.addIssue({ code: 'custom', message: pattern });
			return z.NEVER;
		}
		return { kind: 'pattern', pattern, text };
	}
	const parsed = parseSeriesRef(text);
	if (!parsed.ok) {
		ctx.addIssue({ code: 'custom', message: parsed.message });
		return z.NEVER;
	}
	return { kind: 'series', ref: parsed.value, text };
});

const exportShape = {
	...seriesQueryShape,
	series: z
		.array(selector)
		.min(1, 'give at least one series=<source>:<key>:<metric> (or a pattern with *)')
		.max(maxSelectorsPerExport, `at most ${maxSelectorsPerExport} series or patterns per export`),
	points: seriesQueryShape.points.unwrap().optional(),
	format: z.enum(exportFormats, { error: `expected one of ${exportFormats.join(', ')}` }).default('long')
};

const schema = z.object(exportShape).strict().refine(isOrderedRange, { path: ['to'], message: 'must be after from' });

export function parseExportQuery(params: URLSearchParams): ExportQuery {
	return parseQueryParams(params, schema, Object.keys(exportShape));
}

const fileSafe = (text: string) => text.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/^_+|_+$/g, '');

/**
 * A download name that says what is inside, e.g.
 * `dockpulse_github_moby_moby_stars_day_value_2016-01-01_to_2025-12-31_long.csv`.
 */
export function buildExportFileName(query: ExportQuery): string {
	const only = query.series.length === 1 ? query.series[0]! : undefined;
	const what = only ? fileSafe(only.text.replaceAll('*', 'all')) : `${query.series.length}-series`;
	const lastDay = query.to ? new Date(query.to.getTime() - 1).toISOString().slice(0, 10) : 'latest';
	const range = `${query.from?.toISOString().slice(0, 10) ?? 'start'}_to_${lastDay}`;
	const smoothing = query.smooth > 1 ? `_ma${query.smooth}` : '';
	return `dockpulse_${what}_${query.interval}_${query.transform}${smoothing}_${range}_${query.format}.csv`;
}
