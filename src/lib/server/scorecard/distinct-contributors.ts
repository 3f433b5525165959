import { z } from 'zod';
import { formatTargetRef, parseTargetRef, type TargetRef } from '../../refs.js';
import type { ScorecardRow, ScorecardSparkline } from '../../types/scorecard.js';
import type { Db } from '../db/client.js';
import { listContributorHistories, type StoredContributorHistory } from '../db/queries/contributor-histories.js';
import { computeCumulativeContributors, mergeIdentityMonths } from '../metrics/contributors.js';
import { selectMinMaxIndices } from '../metrics/downsample.js';
import type { ValueAt } from '../metrics/growth.js';
import { monthEndStamp } from '../time.js';
import { describeMeasureSource, type Measure } from './measures.js';
import { buildScorecardRow } from './rows.js';
import { computeSumGrowth, type MemberSamples } from './sum.js';

/**
 * The option "distinct contributors across a declared set of Docker repositories": the
 * contributor-history backfill keeps, per repository, the first month of every identity it saw
 * (targets.metadata.contributorHistory.firstMonths), so the union across repositories is the same
 * cumulative count over the merged identities. A repository counts only once its history is complete:
 * half a commit list would make its authors look newer than they are.
 */

// The backfill's progress, read only as far as the union needs (jobs/collectors/github/contributor-history.ts writes it).
const completeHistory = z.object({ isDone: z.literal(true), firstMonths: z.record(z.string(), z.string()) });

export interface ContributorUnion {
	/** Repositories whose complete history is counted, and the ones left out (untracked, or history not complete). */
	counted: string[];
	left: string[];
	/** The cumulative distinct count at each month end, oldest first. */
	points: ValueAt[];
}

/** Pure: the union of the declared repositories' complete histories, month by month. */
export function computeContributorUnion(repositories: readonly string[], stored: readonly StoredContributorHistory[]): ContributorUnion {
	const byRef = new Map(stored.map((s) => [formatTargetRef(s), completeHistory.safeParse(s.history)]));
	const histories: Record<string, string>[] = [];
	const counted: string[] = [];
	const left: string[] = [];
	for (const repository of repositories) {
		const history = byRef.get(repository);
		if (history?.success) {
			histories.push(history.data.firstMonths);
			counted.push(repository);
		} else left.push(repository);
	}
	const merged = mergeIdentityMonths(histories);
	const lastMonth = Object.values(merged).sort().at(-1);
	const points = lastMonth ? computeCumulativeContributors(merged, lastMonth).map(([month, value]) => ({ ts: monthEndStamp(month), value })) : [];
	return { counted, left, points };
}

const atOrBefore = (points: readonly ValueAt[], t: Date) => points.findLast((p) => p.ts <= t);
const firstFrom = (points: readonly ValueAt[], t: Date) => points.find((p) => p.ts >= t);

/** The union's values where the scorecard reads every series: both ends, the first inside, the period before. */
export function toUnionMember(name: string, points: readonly ValueAt[], period: { start: Date; end: Date }, previousStart: Date): MemberSamples {
	return {
		series: name,
		atStart: atOrBefore(points, period.start),
		atEnd: atOrBefore(points, period.end),
		firstFromStart: firstFrom(points, period.start),
		atPreviousStart: atOrBefore(points, previousStart)
	};
}

function toSparkline(points: readonly ValueAt[], period: { start: Date; end: Date }, maxPoints: number): ScorecardSparkline {
	const inPeriod = points.filter((p) => p.ts >= period.start && p.ts <= period.end).map((p): [number, number] => [p.ts.getTime(), p.value]);
	const kept = selectMinMaxIndices(inPeriod, maxPoints);
	return { points: kept.map((i) => inPeriod[i]!), provenance: kept.map(() => 'reconstructed') };
}

const toRef = (text: string): TargetRef => {
	const parsed = parseTargetRef(text);
	if (!parsed.ok) throw new Error(`scorecard measure names a bad repository "${text}": ${parsed.message}`);
	return parsed.value;
};

/** A distinct-contributors measure's row over a period. */
export async function readDistinctContributorsRow(
	db: Db,
	measure: Measure & { source: { kind: 'distinctContributors' } },
	period: { start: Date; end: Date },
	previousStart: Date,
	sparklinePoints: number
): Promise<ScorecardRow> {
	const { repositories } = measure.source;
	const union = computeContributorUnion(repositories, await listContributorHistories(db, repositories.map(toRef)));
	const member = toUnionMember(describeMeasureSource(measure.source), union.points, period, previousStart);
	const sum = computeSumGrowth([member], period.start);
	const notes = union.left.length > 0 ? [`Left out, no complete contributor history (the github-contributor-history backfill rebuilds it): ${union.left.join(', ')}`] : [];
	return buildScorecardRow(measure, {
		matched: union.counted,
		sum,
		firstSampleTs: union.points[0]?.ts,
		period,
		sparkline: sum ? toSparkline(union.points, period, sparklinePoints) : { points: [], provenance: [] },
		notes
	});
}
