import { formatSeriesRef, formatTargetRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import type { Provenance } from '../db/schema/index.js';
import { listSeriesByRefs } from '../db/queries/targets.js';
import { listSeriesWindow } from '../db/queries/series-points.js';
import { selectMinMaxIndices } from '../metrics/downsample.js';
import type { BasketTotal } from '../metrics/share.js';
import type { AnomalyView } from '../../types/anomalies.js';
import { listAnomalyFlags, readBucketAnomalies } from './anomaly-flags.js';
import type { SeriesQuery } from './params.js';
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
}

export type SeriesViewResult = { series: SeriesView[] } | { missing: string[] };

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

/** Reads, buckets, transforms and thins each requested series; unknown ones are reported together. */
export async function readSeriesViews(db: Db, query: SeriesQuery, options: ReadOptions = {}): Promise<SeriesViewResult> {
	const records = await listSeriesByRefs(db, query.series);
	const missing = query.series.filter((_, i) => !records[i]).map(formatSeriesRef);
	if (missing.length > 0) return { missing };
	const totals = options.basketTotals ?? (await readBasketTotals(db, records.map((r) => r!.id), query));
	const views = await Promise.all(
		records.map(async (record) => {
			const r = record!;
			const [window, anomalies] = await Promise.all([listSeriesWindow(db, r.id, query), readBucketAnomalies(db, r, query)]);
			const transformed = await transformWindow(db, r.id, window, query, totals);
			const kept = selectMinMaxIndices(transformed, query.points);
			const view: SeriesView = {
				series: formatSeriesRef(r),
				target: formatTargetRef(r),
				targetName: r.displayName,
				metric: r.metric,
				unit: r.unit,
				kind: r.kind,
				note: r.note,
				provenance: countProvenance(window.points),
				pointCount: transformed.length,
				isDownsampled: kept.length < transformed.length,
				points: kept.map((i) => {
					const [t, v] = transformed[i]!;
					return [new Date(t).toISOString(), v];
				}),
				pointProvenance: kept.map((i) => window.points[i]!.provenance),
				pointFlags: kept.map((i) => {
					const p = window.points[i]!;
					return [...p.flags, ...listAnomalyFlags(anomalies.get(p.tMs))];
				}),
				anomalies: [...anomalies.values()].flat()
			};
			if (totals) view.pointBasketSize = kept.map((i) => totals.get(window.points[i]!.tMs)?.seriesCount ?? 0);
			return view;
		})
	);
	return { series: views };
}
