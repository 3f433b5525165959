import { z } from 'zod';
import type { Interval, Transform } from '../metrics/intervals.js';
import { readQuery } from '../http/parse.js';
import { isOrderedRange, orderedRange } from '../http/schemas.js';
import { refineBucketTransform, refineDerivedTransform, seriesQueryShape } from '../series/params.js';
import { seriesSelector, type SeriesSelector } from '../series/selector.js';

/**
 * The query of GET /api/export.csv and `npm run export`: the series API's parameters, plus the CSV
 * layout. Without `points` every point is written (no thinning); with it, the export holds exactly
 * the points the series API answers.
 */

export const exportFormats = ['long', 'wide'] as const;
export type ExportFormat = (typeof exportFormats)[number];
export const maxSelectorsPerExport = 100;

export interface ExportQuery {
	series: SeriesSelector[];
	from: Date | undefined;
	to: Date | undefined;
	interval: Interval;
	transform: Transform;
	smooth: number;
	points?: number;
	format: ExportFormat;
}

const exportShape = {
	...seriesQueryShape,
	series: z
		.array(seriesSelector)
		.min(1, 'give at least one series=<source>:<key>:<metric> (or a pattern with *)')
		.max(maxSelectorsPerExport, `at most ${maxSelectorsPerExport} series or patterns per export`),
	points: seriesQueryShape.points.unwrap().optional(),
	format: z.enum(exportFormats, { error: `expected one of ${exportFormats.join(', ')}` }).default('long')
};

export const exportQuery = z
	.object(exportShape)
	.refine(isOrderedRange, orderedRange)
	.superRefine(refineBucketTransform)
	.superRefine((query, ctx) => refineDerivedTransform(query.series.flatMap((s) => (s.kind === 'series' ? [s.ref] : [])), query.transform, ctx));

/** Throws ParameterError naming the first bad parameter. */
export function parseExportQuery(params: URLSearchParams): ExportQuery {
	return readQuery(params, exportQuery);
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
