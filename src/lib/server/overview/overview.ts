import type { WindowSpec } from '../../overview-params.js';
import { formatSeriesRef, formatTargetRef } from '../../refs.js';
import type { Collection } from '../../types/collection.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { MoverRanking } from '../db/queries/movers.js';
import { getNewestSamples } from '../db/queries/values-at.js';
import { readDataVersion } from '../db/queries/data-version.js';
import { memoUnderVersion } from '../cache/version-memo.js';
import { computeGrowth, resolveWindow, type Growth } from '../metrics/growth.js';
import { buildExploreHref, type HeadlineCard, type SampleView } from './cards.js';
import { listHeadlineCardsCached } from './cards-cache.js';
import { readFeaturedSeries } from './featured.js';
import { listMoversCached } from './movers-cache.js';
import { formatPublishedGrowthRef, publishedGrowthFigures, referenceSeries } from '../reference/figures.js';

/** Everything the overview page shows, as plain data (ISO strings, no Dates) for the load function. */

export interface Mover {
	series: string;
	targetName: string;
	metric: string;
	unit: string;
	base: SampleView;
	latest: SampleView;
	growth: Growth;
	exploreHref: string;
}

export interface ReferenceRow {
	series: string;
	targetName: string;
	metric: string;
	note: string;
	exploreHref: string;
	figures: { date: string; value: number; citation: string }[];
	/** First figure to last; null for a series with a single figure. */
	growth: Growth | null;
}

/** A growth figure published as a percentage only (no base value), shown beside the reference rows. */
export interface PublishedGrowthRow {
	series: string;
	targetName: string;
	metric: string;
	percent: number;
	multiplier: number;
	period: { from: string; to: string };
	citation: string;
	caveat: string;
}

export interface Freshness {
	newestObservedAt: string | null;
	newestSampleAt: string | null;
	collectors: { collector: string; lastSuccessAt: string | null; isOverdue: boolean; intervalMs: number }[];
}

export interface Overview {
	now: string;
	window: { spec: WindowSpec; start: string; end: string };
	cards: HeadlineCard[];
	/** How many featured series are configured, to tell "none configured" from "none has data". */
	featuredCount: number;
	movers: Record<MoverRanking, Mover[]>;
	moverMinBase: number;
	reference: ReferenceRow[];
	publishedGrowth: PublishedGrowthRow[];
	freshness: Freshness;
}

/** A base below this is too small for a percentage to mean much (2 -> 40 would read +1,900%). */
export const moverMinBase = 100;
export const moverLimit = 10;

function listReferenceRows(): ReferenceRow[] {
	return referenceSeries.map((s) => {
		const first = s.figures[0]!;
		const last = s.figures[s.figures.length - 1]!;
		const at = (date: string) => ({ ts: new Date(`${date}T00:00:00Z`) });
		const series = formatSeriesRef({ source: 'reference', key: s.key, metric: s.metric });
		return {
			series,
			targetName: s.targetName,
			exploreHref: buildExploreHref(series, { start: at(first.date).ts, end: at(last.date).ts }),
			metric: s.metric,
			note: s.note,
			figures: s.figures.map((f) => ({ ...f })),
			growth: s.figures.length > 1 ? computeGrowth({ ...at(first.date), value: first.value }, { ...at(last.date), value: last.value }) : null
		};
	});
}

function listPublishedGrowthRows(): PublishedGrowthRow[] {
	return publishedGrowthFigures.map((f) => ({
		series: formatPublishedGrowthRef(f),
		targetName: f.targetName,
		metric: f.metric,
		percent: f.percent,
		multiplier: 1 + f.percent / 100,
		period: { ...f.period },
		citation: f.citation,
		caveat: f.caveat
	}));
}

async function getFreshness(db: Db, collection: OverviewOptions['collection'], now: Date, version: string): Promise<Freshness> {
	const [newest, health] = await Promise.all([
		memoUnderVersion(db, 'newest-samples', version, () => getNewestSamples(db)),
		collection.readCollectorHealth(now, 1, version)
	]);
	return {
		newestObservedAt: newest.observed?.toISOString() ?? null,
		newestSampleAt: newest.any?.toISOString() ?? null,
		collectors: health.map(({ collector, lastSuccessAt, isOverdue, intervalMs }) => ({ collector, lastSuccessAt, isOverdue, intervalMs }))
	};
}

export interface OverviewOptions {
	window: WindowSpec;
	now: Date;
	/** Where the freshness block's collector health comes from (event.locals.collection). */
	collection: Pick<Collection, 'readCollectorHealth'>;
}

export async function buildOverview(db: Db, config: Config, options: OverviewOptions): Promise<Overview> {
	const window = resolveWindow(options.window, options.now);
	// One data version for the whole view: what depends on the data alone is read once per version.
	const version = await readDataVersion(db);
	const featured = await readFeaturedSeries(db, config.featuredSeries, version);
	const [cards, moverRows, freshness] = await Promise.all([
		listHeadlineCardsCached(db, featured, window, version),
		listMoversCached(db, { start: window.start, end: window.end, minBase: moverMinBase, limit: moverLimit }, version),
		getFreshness(db, options.collection, options.now, version)
	]);
	const movers: Record<MoverRanking, Mover[]> = { percent: [], change: [] };
	for (const row of moverRows) {
		const series = formatSeriesRef(row);
		const view = (s: typeof row.base): SampleView => ({ ts: s.ts.toISOString(), value: s.value, provenance: s.provenance });
		movers[row.ranking].push({
			series,
			targetName: row.displayName || formatTargetRef(row),
			metric: row.metric,
			unit: row.unit,
			base: view(row.base),
			latest: view(row.latest),
			growth: computeGrowth(row.base, row.latest),
			exploreHref: buildExploreHref(series, window)
		});
	}
	return {
		now: options.now.toISOString(),
		window: { spec: window.spec, start: window.start.toISOString(), end: window.end.toISOString() },
		cards,
		featuredCount: featured.length,
		movers,
		moverMinBase,
		reference: listReferenceRows(),
		publishedGrowth: listPublishedGrowthRows(),
		freshness
	};
}
