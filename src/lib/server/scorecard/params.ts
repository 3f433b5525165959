import { z } from 'zod';
import { isoDate } from '../http/schemas.js';
import type { ScorecardQuery } from './build.js';
import { publishedPeriod } from './measures.js';

/**
 * The query of GET /api/scorecard (and scorecard.csv and the /scorecard page): `from` and, optionally,
 * `to` (inclusive, today when missing; the same day as `from` is one day), whole UTC days. Without either, the published period: the
 * table as Docker showed it, checked against what can be measured.
 */
export const scorecardQuery = z
	.object({ from: isoDate.optional(), to: isoDate.optional() })
	.superRefine((q, ctx) => {
		if (q.to !== undefined && q.from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: 'give from with to' });
		// One day is a period (whole UTC days): the current year's preset on 1 January is one.
		if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
	})
	.transform((q): ScorecardQuery => (q.from === undefined ? { ...publishedPeriod } : { from: q.from, to: q.to }));

/** A `from` after today without a `to` would end before it starts: said as a bad `from`, not read. */
export function checkScorecardPeriod(query: ScorecardQuery, now: Date): string | undefined {
	const today = now.toISOString().slice(0, 10);
	return query.to === undefined && query.from > today ? `${query.from} is after today (${today}): give to as well` : undefined;
}
