import type { Db } from '../db/client.js';
import { getValueBefore, listSeriesPage, type PagePoint } from '../db/queries/series-pages.js';
import type { WindowSpec } from '../db/queries/series-points.js';
import { requireBucketInterval, type Transform } from '../metrics/intervals.js';
import { computeShare, type BasketTotal } from '../metrics/share.js';
import { createMovingAverage, createTransformer } from '../metrics/transforms.js';
import { computeYearBeforeMs, computeYearOverYear, yearOverYearLookbackMs } from '../metrics/year-over-year.js';
import { PointCursor } from './point-cursor.js';

/**
 * The transform and moving average of a streamed series, a page at a time, in flat memory: share
 * divides by the basket totals read once for the whole export (one number pair per bucket); yoy walks a
 * second cursor over the same series a year behind the first, so only a page of each is held.
 */

export interface PageTransformSpec extends WindowSpec {
	transform: Transform;
	smooth: number;
}

export type PageTransform = (page: readonly PagePoint[]) => Promise<(number | null)[]>;

/** The series' bucket values from a year before the window on, untransformed, in keyset pages. */
async function* readHistoryPages(db: Db, seriesId: number, spec: WindowSpec, limit: number): AsyncGenerator<PagePoint[]> {
	const from = spec.from ? new Date(spec.from.getTime() - yearOverYearLookbackMs) : undefined;
	let afterMs: number | undefined;
	for (;;) {
		const page = await listSeriesPage(db, seriesId, { ...spec, from }, afterMs, limit);
		if (page.length > 0) yield page;
		if (page.length < limit) return;
		afterMs = page.at(-1)!.tMs;
	}
}

async function createValueTransform(
	db: Db,
	seriesId: number,
	spec: PageTransformSpec,
	totals: ReadonlyMap<number, BasketTotal> | undefined,
	limit: number
): Promise<(point: PagePoint) => Promise<number | null> | number | null> {
	if (spec.transform === 'share') return (p) => computeShare(p.value, totals?.get(p.tMs));
	if (spec.transform === 'yoy') {
		const interval = requireBucketInterval(spec.interval, 'yoy');
		const history = new PointCursor(readHistoryPages(db, seriesId, spec, limit));
		return async (p) => computeYearOverYear(p.value, (await history.seek(computeYearBeforeMs(p.tMs, interval)))?.value);
	}
	const next = createTransformer(spec.transform, await getValueBefore(db, seriesId, spec));
	return (p) => next(p.value);
}

export async function createPageTransform(
	db: Db,
	seriesId: number,
	spec: PageTransformSpec,
	totals: ReadonlyMap<number, BasketTotal> | undefined,
	limit: number
): Promise<PageTransform> {
	const transform = await createValueTransform(db, seriesId, spec, totals, limit);
	const smooth = createMovingAverage(spec.smooth);
	return async (page) => {
		const values: (number | null)[] = [];
		for (const p of page) values.push(smooth(await transform(p)));
		return values;
	};
}
