import { z } from 'zod';
import { isIsoDate } from '../../overview-params.js';
import { parseQueryParams } from '../series/params.js';
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

const isoDate = z.string().refine(isIsoDate, { error: (issue) => `"${String(issue.input)}" is not an ISO date such as 2015-06-22` });
const eventId = z.coerce.number({ error: 'expected an event id' }).int('expected an event id').positive('expected an event id');

const shape = {
	series: z.array(seriesSelector).min(1, 'give at least one series=<source>:<key>:<metric> (or a pattern with *)').max(100, 'at most 100 series or patterns'),
	preset: z.enum(reportPresets, { error: `expected one of ${reportPresets.join(', ')}` }).optional(),
	from: isoDate.optional(),
	to: isoDate.optional(),
	fromEvent: eventId.optional(),
	toEvent: eventId.optional(),
	minBase: z.coerce.number({ error: 'expected a number' }).min(0, 'expected 0 or more').default(100)
};

const schema = z
	.object(shape)
	.strict()
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
	});

/** Parses the query; throws ParameterError naming the first bad parameter. Without a period: the last year. */
export function parseReportQuery(params: URLSearchParams): ReportQuery {
	const q = parseQueryParams(params, schema, Object.keys(shape));
	const period: ReportPeriod =
		q.fromEvent !== undefined && q.toEvent !== undefined
			? { kind: 'events', fromEvent: q.fromEvent, toEvent: q.toEvent }
			: q.from !== undefined
				? { kind: 'dates', from: q.from, to: q.to }
				: { kind: 'preset', preset: q.preset ?? '1y' };
	return { series: q.series, period, minBase: q.minBase };
}
