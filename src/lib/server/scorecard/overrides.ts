import { z } from 'zod';
import { formatSeriesRef, formatTargetRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { getAppState } from '../db/queries/app-state.js';
import { seriesRef, targetRef } from '../http/schemas.js';
import { seriesSelector } from '../series/selector.js';
import { describeMeasureSource, measures, type Measure, type MeasureSource } from './measures.js';

/**
 * A measure's source overridden per row from the configuration file's `scorecard:` section, e.g.
 * `contributors: {distinctContributors: [github:moby/moby, github:docker/cli]}`. The file's section is
 * stored whole in app_state (as `featured` is) and replaces the declared source of each row it names;
 * the published figure, label and explanation stay the declared ones.
 */

export const scorecardStateKey = 'scorecard';

const measureIds = measures.map((m) => m.id);
const listOf = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'list at least one');

const githubRepository = targetRef.refine((ref) => ref.source === 'github' && /^[^/]+\/[^/]+$/.test(ref.key), {
	message: 'expected a GitHub repository github:<owner>/<name>'
});

/** One row's source as the file writes it: exactly one of series (first that exists), sum, distinctContributors. */
const measureSourceInput = z
	.object({
		series: listOf(seriesRef).optional(),
		sum: listOf(seriesSelector).optional(),
		distinctContributors: listOf(githubRepository).optional()
	})
	.strict()
	.transform((input, ctx): MeasureSource => {
		if (Object.values(input).filter((v) => v !== undefined).length !== 1) {
			ctx.addIssue({ code: 'custom', message: 'give exactly one of series, sum or distinctContributors' });
			return z.NEVER;
		}
		if (input.series) return { kind: 'series', candidates: input.series.map(formatSeriesRef) };
		if (input.sum) return { kind: 'sum', selectors: input.sum.map((s) => s.text) };
		return { kind: 'distinctContributors', repositories: input.distinctContributors!.map(formatTargetRef) };
	});

/** The configuration file's `scorecard:` section: row id -> source; an unknown row id is refused at its line. */
export const scorecardOverridesInput = z.record(
	z.string().refine((id) => measureIds.includes(id)),
	measureSourceInput,
	// A key's issue is reported at the key, so the line is the unknown row's own.
	{ error: (issue) => (issue.code === 'invalid_key' ? `no scorecard row "${String(issue.input)}" (rows: ${measureIds.join(', ')})` : undefined) }
);
export type ScorecardOverrides = z.output<typeof scorecardOverridesInput>;

// As stored: what the section's transform produced, read back from jsonb.
const names = z.array(z.string()).min(1);
const storedOverrides = z.record(
	z.string(),
	z.discriminatedUnion('kind', [
		z.object({ kind: z.literal('series'), candidates: names }),
		z.object({ kind: z.literal('sum'), selectors: names }),
		z.object({ kind: z.literal('distinctContributors'), repositories: names })
	])
);

/** The overrides stored by the last configuration file applied; undefined when none declared a section. */
export async function readScorecardOverrides(db: Db): Promise<ScorecardOverrides | undefined> {
	const stored = await getAppState(db, scorecardStateKey);
	if (stored === undefined) return undefined;
	const parsed = storedOverrides.safeParse(stored);
	// Only the configuration file writes this key: a value it cannot have written is a fault to see, not to skip.
	if (!parsed.success) throw new Error(`app_state ${scorecardStateKey} is not a scorecard section: ${parsed.error.message}`);
	return parsed.data;
}

/** The measures with the configured sources in place (a row id no longer declared is ignored). */
export function applyScorecardOverrides(declared: readonly Measure[], overrides: ScorecardOverrides | undefined): Measure[] {
	return declared.map((m) => {
		const source = overrides?.[m.id];
		return source ? { ...m, source, defaultSource: m.source } : m;
	});
}

export const describeOverride = (id: string, source: MeasureSource) => `scorecard ${id}: ${describeMeasureSource(source)}`;
