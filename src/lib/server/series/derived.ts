import { formatSeriesRef, formatTargetRef, type SeriesRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { getLinkOfImage } from '../db/queries/target-links.js';
import { listSeriesByRefs, type SeriesRecord } from '../db/queries/targets.js';
import { listSeriesWindow, type SeriesWindow, type WindowSpec } from '../db/queries/series-points.js';
import type { Provenance } from '../db/schema/index.js';
import { computeRatioPoints } from '../metrics/ratio.js';
import { applyMovingAverage, type Point } from '../metrics/transforms.js';

/**
 * Series derived at read time from a Docker Hub image and the GitHub repository it is linked to:
 * `derived:dockerhub:<ns>/<image>:pulls_per_star` and `...:pulls_per_contributor`. Nothing is stored:
 * each read divides the image's pulls by the repository's stars or contributors (metrics/ratio.ts),
 * so a link removed makes them unknown at once, and new samples of either side show up in them.
 */

export const derivedMetrics = {
	pulls_per_star: { divisor: 'stars', unit: 'pulls per star' },
	pulls_per_contributor: { divisor: 'contributors', unit: 'pulls per contributor' }
} as const;
export type DerivedMetric = keyof typeof derivedMetrics;

const isDerivedMetric = (metric: string): metric is DerivedMetric => Object.hasOwn(derivedMetrics, metric);

/** The derived series of a linked image, e.g. derived:dockerhub:library/nginx:pulls_per_star. */
export function listDerivedRefs(hubKey: string): string[] {
	return Object.keys(derivedMetrics).map((metric) => `derived:dockerhub:${hubKey}:${metric}`);
}

/** Everything a read of one derived series needs, found before any point is read. */
export interface DerivedSeries {
	ref: SeriesRef;
	metric: DerivedMetric;
	hub: { target: string; name: string };
	github: { target: string; name: string };
	/** The image's pulls and the repository's divisor series; undefined where not collected yet. */
	numerator: SeriesRecord | undefined;
	divisor: SeriesRecord | undefined;
}

export type DerivedResolution = { ok: true; series: DerivedSeries } | { ok: false; reason: string };

/** Finds the link and the two series behind a derived reference, or says why there is no such series. */
export async function resolveDerivedSeries(db: Db, ref: SeriesRef): Promise<DerivedResolution> {
	const text = formatSeriesRef(ref);
	const metrics = Object.keys(derivedMetrics).join(', ');
	if (!isDerivedMetric(ref.metric)) return { ok: false, reason: `${text}: no derived metric "${ref.metric}" (expected ${metrics})` };
	if (!ref.key.startsWith('dockerhub:')) return { ok: false, reason: `${text}: a derived series is named by its Docker Hub image, derived:dockerhub:<ns>/<image>:<metric>` };
	const hubKey = ref.key.slice('dockerhub:'.length);
	const link = await getLinkOfImage(db, hubKey);
	if (!link) {
		return { ok: false, reason: `${text}: ${ref.key} is not linked to a GitHub repository (link one: POST /api/targets/${ref.key}/links)` };
	}
	const hub = { source: 'dockerhub', key: link.hub_key } as const;
	const github = { source: 'github', key: link.github_key } as const;
	const [numerator, divisor] = await listSeriesByRefs(db, [
		{ ...hub, metric: 'pulls' },
		{ ...github, metric: derivedMetrics[ref.metric].divisor }
	]);
	return {
		ok: true,
		series: {
			ref,
			metric: ref.metric,
			hub: { target: formatTargetRef(hub), name: link.hub_name },
			github: { target: formatTargetRef(github), name: link.github_name },
			numerator,
			divisor
		}
	};
}

/** How the series is computed, for its note (the API's, the chart's, the export's readers). */
export function describeDerived(series: DerivedSeries): string {
	const divisor = derivedMetrics[series.metric].divisor;
	return (
		`Computed at read time: pulls of ${series.hub.target} divided by ${divisor} of ${series.github.target} (linked), ` +
		`the ${divisor} taken as the latest value on or before each point (the same bucket's when bucketed); ` +
		`empty where there is no ${divisor} value yet or it is 0.` +
		(series.divisor ? '' : ` No ${divisor} have been collected for ${series.github.target} yet.`)
	);
}

export interface DerivedPoints {
	points: Point[];
	/** The numerator's points (pulls), parallel to points: their provenance and flags are the point's. */
	numerator: SeriesWindow['points'];
	/** How many divisor values of each provenance the window holds. */
	divisorProvenance: Partial<Record<Provenance, number>>;
}

const emptyWindow: SeriesWindow = { baseline: undefined, points: [] };

/** The ratio at each point of the image's pulls over the read's window and interval, then smoothed. */
export async function readDerivedPoints(db: Db, series: DerivedSeries, spec: WindowSpec & { smooth: number }): Promise<DerivedPoints> {
	const [numerator, divisor] = await Promise.all([
		series.numerator ? listSeriesWindow(db, series.numerator.id, spec) : emptyWindow,
		series.divisor ? listSeriesWindow(db, series.divisor.id, spec) : emptyWindow
	]);
	const ratios = computeRatioPoints(numerator.points, divisor.points, divisor.baseline?.value);
	const divisorProvenance: Partial<Record<Provenance, number>> = {};
	for (const p of divisor.points) divisorProvenance[p.provenance] = (divisorProvenance[p.provenance] ?? 0) + 1;
	return { points: applyMovingAverage(ratios, spec.smooth), numerator: numerator.points, divisorProvenance };
}
