import type { Scorecard, ScorecardSparkline } from '../../types/scorecard.js';
import type { Db } from '../db/client.js';
import type { SeriesRecord } from '../db/queries/targets.js';
import { listFirstValuesFrom, listValuesAt, type SampleAt } from '../db/queries/values-at.js';
import { listSeriesWindow } from '../db/queries/series-points.js';
import { selectMinMaxIndices } from '../metrics/downsample.js';
import { resolveWindow } from '../metrics/growth.js';
import { maxInstantMs, minInstantMs } from '../time.js';
import { measures, publishedPeriod, type Measure } from './measures.js';
import { readDistinctContributorsRow } from './distinct-contributors.js';
import { applyScorecardOverrides, readScorecardOverrides } from './overrides.js';
import { listScorecardPresets } from './presets.js';
import { buildScorecardRow } from './rows.js';
import { formatRecordRef, listMeasureSeries } from './sources.js';
import { computeSumGrowth, type MemberSamples } from './sum.js';

/**
 * The scorecard over a period of whole UTC days: every measure's series read at both ends, at the
 * start of the period before of equal length, and at their first samples, in five set-based reads
 * whatever the number of series; then one small read per single-series measure for its sparkline.
 */

export interface ScorecardQuery {
	from: string;
	/** Inclusive; today when missing. */
	to: string | undefined;
}

const sparklinePoints = 60;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** "2025" for a calendar year, else "2024-12-01 to 2025-12-01". */
function describePeriod(from: string, to: string): string {
	const year = from.slice(0, 4);
	return from === `${year}-01-01` && to === `${year}-12-31` ? year : `${from} to ${to}`;
}

const noSparkline: ScorecardSparkline = { points: [], provenance: [] };

async function readSparkline(db: Db, record: SeriesRecord, period: Period): Promise<ScorecardSparkline> {
	// The window's end is exclusive; kept within the years PostgreSQL reads (a period may end on 9999-12-31).
	const to = new Date(Math.min(period.end.getTime() + 1, maxInstantMs));
	const window = await listSeriesWindow(db, record.id, { from: period.start, to, interval: 'raw' });
	const points = window.points.map((p): [number, number] => [p.tMs, p.value]);
	const kept = selectMinMaxIndices(points, sparklinePoints);
	return { points: kept.map((i) => points[i]!), provenance: kept.map((i) => window.points[i]!.provenance) };
}

type Period = { start: Date; end: Date };
type ReadBySeries = Map<number, SampleAt>;
const bySeries = (samples: SampleAt[]): ReadBySeries => new Map(samples.map((s) => [s.seriesId, s]));

function toMembers(records: readonly SeriesRecord[], reads: Reads): MemberSamples[] {
	return records.map((r) => ({
		series: formatRecordRef(r),
		atStart: reads.atStart.get(r.id),
		atEnd: reads.atEnd.get(r.id),
		firstFromStart: reads.firstFromStart.get(r.id),
		atPreviousStart: reads.atPreviousStart.get(r.id)
	}));
}

interface Reads {
	atStart: ReadBySeries;
	atEnd: ReadBySeries;
	firstFromStart: ReadBySeries;
	atPreviousStart: ReadBySeries;
	firstEver: ReadBySeries;
}

/** The five set-based reads of every series of every measure. */
async function readAll(db: Db, ids: readonly number[], period: Period, previousStart: Date): Promise<Reads> {
	const [atStart, atEnd, firstFromStart, atPreviousStart, firstEver] = await Promise.all([
		listValuesAt(db, ids, period.start),
		listValuesAt(db, ids, period.end),
		listFirstValuesFrom(db, ids, period.start),
		listValuesAt(db, ids, previousStart),
		listFirstValuesFrom(db, ids, new Date(minInstantMs))
	]);
	return { atStart: bySeries(atStart), atEnd: bySeries(atEnd), firstFromStart: bySeries(firstFromStart), atPreviousStart: bySeries(atPreviousStart), firstEver: bySeries(firstEver) };
}

const isDistinctContributors = (m: Measure): m is Measure & { source: { kind: 'distinctContributors' } } => m.source.kind === 'distinctContributors';

const earliest = (times: readonly number[]) => (times.length > 0 ? new Date(Math.min(...times)) : undefined);

/**
 * A measure's row from the first alternative that covers the whole period (a value on or before its
 * start), else the first with any value in it, else the first (for its coverage).
 */
async function readMeasureRow(db: Db, measure: Measure, alternatives: readonly SeriesRecord[][], reads: Reads, period: Period) {
	const summed = alternatives.map((records) => ({ records, sum: computeSumGrowth(toMembers(records, reads), period.start) }));
	const chosen = summed.find((a) => a.sum && !a.sum.isBaseFirstInPeriod) ?? summed.find((a) => a.sum) ?? summed[0];
	const { records, sum } = chosen ?? { records: [], sum: undefined };
	const sparkline = records.length === 1 && sum ? await readSparkline(db, records[0]!, period) : noSparkline;
	return buildScorecardRow(measure, {
		matched: records.map(formatRecordRef),
		sum,
		firstSampleTs: earliest(records.flatMap((r) => reads.firstEver.get(r.id)?.ts.getTime() ?? [])),
		period,
		sparkline
	});
}

export async function buildScorecard(db: Db, query: ScorecardQuery, now: Date): Promise<Scorecard> {
	const window = resolveWindow({ kind: 'custom', from: query.from, to: query.to }, now);
	const period = { start: window.start, end: window.end };
	const previousStart = new Date(Math.max(minInstantMs, period.start.getTime() - (period.end.getTime() - period.start.getTime())));
	// The measures as declared, with the sources the configuration file set in their place.
	const measured = applyScorecardOverrides(measures, await readScorecardOverrides(db));
	const alternatives = await Promise.all(measured.map((m) => listMeasureSeries(db, m)));
	const reads = await readAll(db, [...new Set(alternatives.flat(2).map((r) => r.id))], period, previousStart);
	const rows = await Promise.all(
		measured.map((measure, i) =>
			isDistinctContributors(measure)
				? readDistinctContributorsRow(db, measure, period, previousStart, sparklinePoints)
				: readMeasureRow(db, measure, alternatives[i]!, reads, period)
		)
	);
	const to = query.to ?? day(now);
	const label = describePeriod(query.from, to);
	return {
		period: { start: period.start.toISOString(), end: period.end.toISOString(), previousStart: previousStart.toISOString(), label },
		isPublishedPeriod: query.from === publishedPeriod.from && to === publishedPeriod.to,
		title: `Docker ecosystem, ${label}`,
		rows,
		presets: listScorecardPresets(earliest([...reads.firstEver.values()].map((s) => s.ts.getTime())), now)
	};
}
