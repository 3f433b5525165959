import { formatSeriesRef, formatTargetRef, type SeriesRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import type { Provenance } from '../db/schema/index.js';
import { listSeriesByRefs, type SeriesRecord } from '../db/queries/targets.js';
import { selectMinMaxIndices } from '../metrics/downsample.js';
import type { BasketTotal } from '../metrics/share.js';
import type { AnomalyView } from '../../types/anomalies.js';
import { listAnomalyFlags, readBucketAnomalies } from './anomaly-flags.js';
import type { SeriesQuery } from './params.js';
import { derivedMetrics, describeDerived, readDerivedPoints, resolveDerivedSeries, type DerivedSeries } from './derived.js';
import { readStoredWindow } from './stored-window.js';
import { readBasketTotals, transformWindow } from './transformed-points.js';

/** One series as /api/series returns it. */
export interface SeriesView {
	series: string;
	target: string;
	targetName: string;
	metric: string;
	unit: string;
	kind: 'counter' | 'gauge';
	note: string | null;
	/** How many of the points (before downsampling) come from each provenance. */
	provenance: Partial<Record<Provenance, number>>;
	/** Points before downsampling; more than points.length when the series was thinned. */
	pointCount: number;
	isDownsampled: boolean;
	points: [string, number | null][];
	/** Parallel to points: the provenance of the sample behind each point (the bucket's last sample). */
	pointProvenance: Provenance[];
	/**
	 * Parallel to points: counter flags (decrease, stall, jump, frozen, wrapped, ...) of the sample or its
	 * bucket, and at interval=day and coarser the anomaly flags (spike, drop) of the days in the bucket.
	 */
	pointFlags: string[][];
	/**
	 * Every flagged day of the range with its score, in time order, including those whose point was
	 * thinned away; empty at interval=raw and for gauges (see series/anomaly-flags.ts).
	 */
	anomalies: AnomalyView[];
	/**
	 * transform=share only, parallel to points: how many of the selected series had a value in the
	 * point's bucket and so were in the sum it is a share of (a series without one is left out).
	 */
	pointBasketSize?: number[];
	/**
	 * interval=raw only: where raw data ends. Observed samples before this instant (a UTC midnight) are
	 * compacted to one per UTC day, the day's last value (RAW_RETENTION_DAYS); null until the series is
	 * first compacted. A derived series says the later of its two series'.
	 */
	rawSince?: string | null;
	/** Derived series only: the two series divided, and the provenance mix of the divisor's values. */
	derivedFrom?: { numerator: string; divisor: string; divisorProvenance: Partial<Record<Provenance, number>> };
}

export type SeriesViewResult = { series: SeriesView[] } | { missing: string[]; reasons: string[] };

/** The rawSince of a raw read, absent from bucketed ones (which compaction leaves as they were). */
function describeRawSince(query: SeriesQuery, records: readonly (SeriesRecord | undefined)[]): Pick<SeriesView, 'rawSince'> {
	if (query.interval !== 'raw') return {};
	const bounds = records.flatMap((r) => (r?.compactedUntilMs == null ? [] : [r.compactedUntilMs]));
	return { rawSince: bounds.length === 0 ? null : new Date(Math.max(...bounds)).toISOString() };
}

function countProvenance(points: readonly { provenance: Provenance }[]) {
	const mix: Partial<Record<Provenance, number>> = {};
	for (const p of points) mix[p.provenance] = (mix[p.provenance] ?? 0) + 1;
	return mix;
}

export interface ReadOptions {
	/**
	 * The denominators of transform=share when the basket is wider than this read's series (an export
	 * reads its series one at a time); by default, the sum over this read's series.
	 */
	basketTotals?: ReadonlyMap<number, BasketTotal>;
}

type SeriesPlan = { kind: 'stored'; record: SeriesRecord } | { kind: 'derived'; series: DerivedSeries };

/** What each requested series is, in order; unknown ones (and why, for derived ones) are reported together. */
async function planSeries(db: Db, refs: readonly SeriesRef[]): Promise<{ plans: SeriesPlan[] } | { missing: string[]; reasons: string[] }> {
	const stored = refs.filter((r) => r.source !== 'derived');
	const records = await listSeriesByRefs(db, stored);
	const byRef = new Map(stored.map((r, i) => [formatSeriesRef(r), records[i]]));
	const missing: string[] = [];
	const reasons: string[] = [];
	const plans: SeriesPlan[] = [];
	for (const ref of refs) {
		if (ref.source === 'derived') {
			const derived = await resolveDerivedSeries(db, ref);
			if (derived.ok) {
				plans.push({ kind: 'derived', series: derived.series });
			} else {
				missing.push(formatSeriesRef(ref));
				reasons.push(derived.reason);
			}
			continue;
		}
		const record = byRef.get(formatSeriesRef(ref));
		if (record) plans.push({ kind: 'stored', record });
		else missing.push(formatSeriesRef(ref));
	}
	return missing.length > 0 ? { missing, reasons } : { plans };
}

/** The 404's message for a read with unknown series: the stored ones listed, each derived one explained. */
export function describeMissing(result: { missing: string[]; reasons: string[] }, hint = 'GET /api/targets lists them'): string {
	const unknown = result.missing.filter((ref) => !ref.startsWith('derived:'));
	const parts = unknown.length > 0 ? [`unknown series: ${unknown.join(', ')} (${hint})`] : [];
	return [...parts, ...result.reasons].join('; ');
}

/** Reads, buckets, transforms and thins each requested series (long windows in SQL, see stored-window.ts); unknown ones are reported together. */
export async function readSeriesViews(db: Db, query: SeriesQuery, options: ReadOptions = {}): Promise<SeriesViewResult> {
	const planned = await planSeries(db, query.series);
	if ('missing' in planned) return planned;
	const storedIds = planned.plans.flatMap((p) => (p.kind === 'stored' ? [p.record.id] : []));
	const totals = options.basketTotals ?? (await readBasketTotals(db, storedIds, query));
	const views = await Promise.all(
		planned.plans.map((plan) => (plan.kind === 'stored' ? readStoredView(db, plan.record, query, totals) : readDerivedView(db, plan.series, query)))
	);
	return { series: views };
}

/**
 * The flags of every unflagged point: one array for all of them, which a page's data (devalue) then
 * sends once instead of once per point (for 10 series over 10 years, 8% of the explorer's data and a
 * fifth of the time devalue takes to serialise it). Frozen, so that no reader can add to it by mistake.
 */
const noFlags = Object.freeze([]) as readonly string[] as string[];

async function readStoredView(db: Db, r: SeriesRecord, query: SeriesQuery, totals: ReadonlyMap<number, BasketTotal> | undefined): Promise<SeriesView> {
	const [{ window, whole }, anomalies] = await Promise.all([readStoredWindow(db, r.id, query), readBucketAnomalies(db, r, query)]);
	const transformed = await transformWindow(db, r.id, window, query, totals);
	const kept = selectMinMaxIndices(transformed, query.points);
	const pointCount = whole?.pointCount ?? transformed.length;
	const view: SeriesView = {
		series: formatSeriesRef(r),
		target: formatTargetRef(r),
		targetName: r.displayName,
		metric: r.metric,
		unit: r.unit,
		kind: r.kind,
		note: r.note,
		provenance: whole?.provenance ?? countProvenance(window.points),
		pointCount,
		isDownsampled: kept.length < pointCount,
		points: kept.map((i) => {
			const [t, v] = transformed[i]!;
			return [new Date(t).toISOString(), v];
		}),
		pointProvenance: kept.map((i) => window.points[i]!.provenance),
		pointFlags: kept.map((i) => {
			const p = window.points[i]!;
			const bucketAnomalies = anomalies.get(p.tMs);
			return p.flags.length === 0 && bucketAnomalies === undefined ? noFlags : [...p.flags, ...listAnomalyFlags(bucketAnomalies)];
		}),
		anomalies: [...anomalies.values()].flat(),
		...describeRawSince(query, [r])
	};
	if (totals) view.pointBasketSize = kept.map((i) => totals.get(window.points[i]!.tMs)?.seriesCount ?? 0);
	return view;
}

/** A derived series: a ratio, so a gauge; each point's provenance and flags are its pulls sample's. */
async function readDerivedView(db: Db, series: DerivedSeries, query: SeriesQuery): Promise<SeriesView> {
	const derived = await readDerivedPoints(db, series, query);
	const kept = selectMinMaxIndices(derived.points, query.points);
	return {
		series: formatSeriesRef(series.ref),
		target: series.hub.target,
		targetName: `${series.hub.name} / ${series.github.name}`,
		metric: series.metric,
		unit: derivedMetrics[series.metric].unit,
		kind: 'gauge',
		note: describeDerived(series),
		provenance: countProvenance(derived.numerator),
		pointCount: derived.points.length,
		isDownsampled: kept.length < derived.points.length,
		points: kept.map((i) => [new Date(derived.points[i]![0]).toISOString(), derived.points[i]![1]]),
		pointProvenance: kept.map((i) => derived.numerator[i]!.provenance),
		pointFlags: kept.map((i) => derived.numerator[i]!.flags),
		// A ratio is a gauge: anomalies score counters only.
		anomalies: [],
		...describeRawSince(query, [series.numerator, series.divisor]),
		derivedFrom: {
			numerator: series.numerator ? formatSeriesRef(series.numerator) : `${series.hub.target}:pulls`,
			divisor: series.divisor ? formatSeriesRef(series.divisor) : `${series.github.target}:${derivedMetrics[series.metric].divisor}`,
			divisorProvenance: derived.divisorProvenance
		}
	};
}
