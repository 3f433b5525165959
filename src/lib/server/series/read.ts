import { formatSeriesRef, formatTargetRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import type { Provenance } from '../db/schema/index.js';
import { listSeriesByRefs } from '../db/queries/targets.js';
import { listSeriesWindow } from '../db/queries/series-points.js';
import { selectMinMaxIndices } from '../metrics/downsample.js';
import { applyMovingAverage, applyTransform } from '../metrics/transforms.js';
import type { SeriesQuery } from './params.js';

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
	/** Parallel to points: counter flags (decrease, stall, jump, frozen, wrapped, ...) of the sample or its bucket. */
	pointFlags: string[][];
}

export type SeriesViewResult = { series: SeriesView[] } | { missing: string[] };

function countProvenance(points: readonly { provenance: Provenance }[]) {
	const mix: Partial<Record<Provenance, number>> = {};
	for (const p of points) mix[p.provenance] = (mix[p.provenance] ?? 0) + 1;
	return mix;
}

/** Reads, buckets, transforms and thins each requested series; unknown ones are reported together. */
export async function readSeriesViews(db: Db, query: SeriesQuery): Promise<SeriesViewResult> {
	const records = await listSeriesByRefs(db, query.series);
	const missing = query.series.filter((_, i) => !records[i]).map(formatSeriesRef);
	if (missing.length > 0) return { missing };
	const views = await Promise.all(
		records.map(async (record) => {
			const r = record!;
			const window = await listSeriesWindow(db, r.id, query);
			const transformed = applyMovingAverage(
				applyTransform(
					window.points.map((p) => [p.tMs, p.value]),
					query.transform,
					window.baseline?.value
				),
				query.smooth
			);
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
				pointFlags: kept.map((i) => window.points[i]!.flags)
			};
			return view;
		})
	);
	return { series: views };
}
