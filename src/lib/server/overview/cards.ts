import { formatSeriesRef, formatTargetRef, type SeriesRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { listSeriesWindow, type SeriesWindow } from '../db/queries/series-points.js';
import { listSeriesByRefs, type SeriesRecord } from '../db/queries/targets.js';
import { listFirstValuesFrom, listValuesAt, type SampleAt } from '../db/queries/values-at.js';
import type { Provenance } from '../db/schema/index.js';
import { selectMinMaxIndices } from '../metrics/downsample.js';
import { computeWindowGrowth, type Growth, type ResolvedWindow } from '../metrics/growth.js';
import type { Interval } from '../metrics/intervals.js';
import { listRecentDailyPoints } from '../forecast/recent-days.js';
import { computeMilestoneEta, type MilestoneEta } from './eta.js';

/** The overview's headline cards: one per featured series that has data, in the configured order. */

export interface SampleView {
	ts: string;
	value: number;
	provenance: Provenance;
}

export interface SparklineData {
	/** [epoch ms, value], oldest first, at most sparklinePoints. */
	points: [number, number][];
	/** Parallel to points: how each point's sample was obtained. */
	provenance: Provenance[];
}

interface CardBase {
	series: string;
	target: string;
	targetName: string;
	metric: string;
	unit: string;
	exploreHref: string;
}

export type HeadlineCard = CardBase &
	(
		| { state: 'growth'; base: SampleView; latest: SampleView; isBaseFirstInWindow: boolean; growth: Growth; sparkline: SparklineData; eta: MilestoneEta | null }
		| { state: 'noData'; lastBefore: SampleView | null; firstAfter: SampleView | null }
	);

/** Enough to show a shape on a card a few hundred pixels wide, small enough to keep the page light. */
export const sparklinePoints = 100;
const dayMs = 86_400_000;

function toView(sample: SampleAt | undefined): SampleView | null {
	return sample ? { ts: sample.ts.toISOString(), value: sample.value, provenance: sample.provenance } : null;
}

/** The explorer's view of one series over the window (from/to are ISO dates, `to` inclusive). */
export function buildExploreHref(series: string, window: Pick<ResolvedWindow, 'start' | 'end'>): string {
	const params = new URLSearchParams({ series, from: window.start.toISOString().slice(0, 10), to: window.end.toISOString().slice(0, 10) });
	return `/explore?${params}`;
}

/**
 * Hourly observations make a year 8,760 samples; a daily bucket (the day's last value) is all a
 * sparkline can show, and the database does that reduction cheaply. Windows of a few days stay raw.
 */
export function chooseSparklineInterval(window: Pick<ResolvedWindow, 'start' | 'end'>): Interval {
	const days = (window.end.getTime() - window.start.getTime()) / dayMs;
	return days <= 14 ? 'raw' : days <= 3 * 366 ? 'day' : 'week';
}

/** The sparkline, and the daily points it was drawn from (when daily), which the milestone ETA reuses. */
async function readSparkline(db: Db, seriesId: number, window: ResolvedWindow, base: SampleAt): Promise<{ sparkline: SparklineData; daily?: SeriesWindow }> {
	const interval = chooseSparklineInterval(window);
	const read = await listSeriesWindow(db, seriesId, { from: window.start, to: new Date(window.end.getTime() + 1), interval });
	// The line starts at the base, so that it shows the same change as the figure beside it.
	const samples = read.points.filter((p) => p.tMs > base.ts.getTime());
	const all = [{ tMs: base.ts.getTime(), value: base.value, provenance: base.provenance }, ...samples];
	const kept = selectMinMaxIndices(all.map((p) => [p.tMs, p.value]), sparklinePoints);
	const sparkline: SparklineData = { points: kept.map((i) => [all[i]!.tMs, all[i]!.value]), provenance: kept.map((i) => all[i]!.provenance) };
	return { sparkline, daily: interval === 'day' ? read : undefined };
}

/** Only counters are forecast (a gauge's next round value says nothing about adoption). */
async function readEta(db: Db, record: SeriesRecord, window: ResolvedWindow, daily: SeriesWindow | undefined): Promise<MilestoneEta | null> {
	if (record.kind !== 'counter') return null;
	return computeMilestoneEta(await listRecentDailyPoints(db, record.id, window.end, daily));
}

async function buildCard(db: Db, record: SeriesRecord, window: ResolvedWindow, around: Around): Promise<HeadlineCard | undefined> {
	const series = formatSeriesRef(record);
	const result = computeWindowGrowth(window, {
		atStart: around.atStart.get(record.id),
		atEnd: around.atEnd.get(record.id),
		firstFromStart: around.firstFromStart.get(record.id)
	});
	if (result.state === 'empty') return undefined;
	const card: CardBase = {
		series,
		target: formatTargetRef(record),
		targetName: record.displayName,
		metric: record.metric,
		unit: record.unit,
		exploreHref: buildExploreHref(series, window)
	};
	if (result.state === 'noData') {
		return { ...card, state: 'noData', lastBefore: toView(result.lastBefore), firstAfter: toView(result.firstAfter) };
	}
	const { sparkline, daily } = await readSparkline(db, record.id, window, result.base);
	return {
		...card,
		state: 'growth',
		base: toView(result.base)!,
		latest: toView(result.latest)!,
		isBaseFirstInWindow: result.isBaseFirstInWindow,
		growth: result.growth,
		sparkline,
		eta: await readEta(db, record, window, daily)
	};
}

interface Around {
	atStart: Map<number, SampleAt>;
	atEnd: Map<number, SampleAt>;
	firstFromStart: Map<number, SampleAt>;
}

const bySeries = (samples: SampleAt[]) => new Map(samples.map((s) => [s.seriesId, s]));

/** The featured series that exist, in the order given. */
export async function listFeaturedRecords(db: Db, featured: readonly SeriesRef[]): Promise<SeriesRecord[]> {
	if (featured.length === 0) return [];
	return (await listSeriesByRefs(db, featured)).filter((r) => r !== undefined);
}

/** Cards for these series' records (the featured ones, in their order), those without samples left out. */
export async function buildHeadlineCards(db: Db, records: readonly SeriesRecord[], window: ResolvedWindow): Promise<HeadlineCard[]> {
	if (records.length === 0) return [];
	const ids = records.map((r) => r.id);
	const [atStart, atEnd, firstFromStart] = await Promise.all([
		listValuesAt(db, ids, window.start),
		listValuesAt(db, ids, window.end),
		listFirstValuesFrom(db, ids, window.start)
	]);
	const around: Around = { atStart: bySeries(atStart), atEnd: bySeries(atEnd), firstFromStart: bySeries(firstFromStart) };
	const cards = await Promise.all(records.map((record) => buildCard(db, record, window, around)));
	return cards.filter((card) => card !== undefined);
}
