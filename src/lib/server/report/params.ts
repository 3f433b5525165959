import { z } from 'zod';
import { readQuery } from '../http/parse.js';
import { isoDate, positiveId } from '../http/schemas.js';
import { seriesSelector, type SeriesSelector } from '../series/selector.js';

/**
 * The query of GET /api/report (and report.csv and the /report page): which series, over which period.
 * The period is either a preset ending now (30d, 90d, 1y, ytd), dates (`from`, and `to` or today), or
 * the dates of two events (`fromEvent`, `toEvent`: a release, DockerCon...).
 */

export const reportPresets = ['30d', '90d', '1y', 'ytd'] as const;
export type ReportPreset = (typeof reportPresets)[number];

export type ReportPeriod =
	| { kind: 'preset'; preset: ReportPreset }
	| { kind: 'dates'; from: string; to: string | undefined }
	| { kind: 'events'; fromEvent: number; toEvent: number };

export interface ReportQuery {
	series: SeriesSelector[];
	period: ReportPeriod;
	/** Below this base a growth percentage is flagged as not meaningful. */
	minBase: number;
}

const eventId = positiveId('an event');

const shape = {
	series: z.array(seriesSelector).min(1, 'give at least one series=<source>:<key>:<metric> (or a pattern with *)').max(100, 'at most 100 series or patterns'),
	preset: z.enum(reportPresets, { error: `expected one of ${reportPresets.join(', ')}` }).optional(),
	from: isoDate.optional(),
	to: isoDate.optional(),
	fromEvent: eventId.optional(),
	toEvent: eventId.optional(),
	minBase: z.coerce.number({ error: 'expected a number' }).min(0, 'expected 0 or more').default(100)
};

export const reportQuery = z
	.object(shape)
	.superRefine((q, ctx) => {
		const ways = [q.preset !== undefined, q.from !== undefined || q.to !== undefined, q.fromEvent !== undefined || q.toEvent !== undefined];
		if (ways.filter(Boolean).length > 1) {
			ctx.addIssue({ code: 'custom', path: ['preset'], message: 'give one period: preset, or from/to dates, or fromEvent/toEvent' });
		}
		if (q.to !== undefined && q.from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: 'give from with to' });
		if (q.from && q.to && q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
		if ((q.fromEvent === undefined) !== (q.toEvent === undefined)) {
			ctx.addIssue({ code: 'custom', path: [q.fromEvent === undefined ? 'fromEvent' : 'toEvent'], message: 'give both fromEvent and toEvent' });
		}
	})
	.transform((q): ReportQuery => ({ series: q.series, period: toPeriod(q), minBase: q.minBase }));

/** Without a period: the last year. */
function toPeriod(q: { preset?: ReportPreset; from?: string; to?: string; fromEvent?: number; toEvent?: number }): ReportPeriod {
	if (q.fromEvent !== undefined && q.toEvent !== undefined) return { kind: 'events', fromEvent: q.fromEvent, toEvent: q.toEvent };
	if (q.from !== undefined) return { kind: 'dates', from: q.from, to: q.to };
	return { kind: 'preset', preset: q.preset ?? '1y' };
}

/** Parses the query; throws ParameterError naming the first bad parameter. */
export function parseReportQuery(params: URLSearchParams): ReportQuery {
	return readQuery(params, reportQuery);
}
