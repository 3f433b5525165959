import { maxDrawnSeries, parseExploreState, resolveRange, type ExploreState } from '../../explore-state.js';
import { parseTargetRef, type SeriesRef } from '../../refs.js';
import type { EventView } from '../../types/events.js';
import type { Db } from '../db/client.js';
import { listSeriesByRefs } from '../db/queries/targets.js';
import { listEventViews } from '../events/events.js';
import { listForecastBands, type ExploreForecasts } from '../forecast/bands.js';
import { ParameterError } from '../http/parse.js';
import { getTargetSummary, listFirstSeriesRefs, type TargetSummary } from './catalog.js';
import { parseSeriesQuery, type SeriesQuery } from './params.js';
import { describeMissing, readSeriesViews, type SeriesView } from './read.js';

/**
 * What the explorer page needs for one URL: the drawn series and their events. Series to add are
 * found as the analyst types (GET /api/series/search), so no list of every series is sent.
 */
export type ExploreView =
	| {
			ok: true;
			state: ExploreState;
			/** True when the URL named no series and the featured (or fallback) series were chosen. */
			isDefault: boolean;
			series: SeriesView[];
			/** Selected beyond the first maxDrawnSeries: kept in the URL, not drawn. */
			hiddenSeries: string[];
			events: EventView[];
			/** The drawn view's series parameters, for its CSV download. */
			exportParams: string;
			/** Projections of the drawn counters when the URL has `forecast=<days>`. */
			forecasts: ExploreForecasts;
	  }
	| { ok: false; parameter: string; reason: string };

/** At most this many points per series, about a chart's pixel width: longer series are thinned on the server. */
const pointsPerSeries = 1000;
const fallbackSeriesCount = 4;

/** The featured series that exist; failing those, the first reference series (always loaded at start). */
export async function chooseDefaultSeries(db: Db, featured: readonly SeriesRef[]): Promise<string[]> {
	if (featured.length > 0) {
		const records = await listSeriesByRefs(db, featured);
		const existing = records.flatMap((r) => (r ? [`${r.source}:${r.key}:${r.metric}`] : []));
		if (existing.length > 0) return existing;
	}
	const reference = await listFirstSeriesRefs(db, fallbackSeriesCount, 'reference');
	return reference.length > 0 ? reference : listFirstSeriesRefs(db, fallbackSeriesCount);
}

/** The /api/series query for the drawn series, so the explorer shares its validation and messages. */
export function buildSeriesQuery(state: ExploreState, series: readonly string[], nowMs: number): SeriesQuery {
	return parseSeriesQuery(buildSeriesParams(state, series, nowMs));
}

/** The series API's parameters for a view: the same ones give its CSV (/api/export.csv). */
export function buildSeriesParams(state: ExploreState, series: readonly string[], nowMs: number): URLSearchParams {
	const params = new URLSearchParams();
	for (const s of series) params.append('series', s);
	const range = resolveRange(state, nowMs);
	if (range.from) params.set('from', range.from);
	if (range.to) params.set('to', range.to);
	params.set('interval', state.interval);
	params.set('transform', state.transform);
	params.set('smooth', String(state.smooth));
	params.set('points', String(pointsPerSeries));
	return params;
}

export async function buildExploreView(db: Db, featured: readonly SeriesRef[], params: URLSearchParams, nowMs: number): Promise<ExploreView> {
	const parsed = parseExploreState(params);
	if (!parsed.ok) return parsed;
	const isDefault = parsed.state.series.length === 0;
	const state = isDefault ? { ...parsed.state, series: await chooseDefaultSeries(db, featured) } : parsed.state;
	const drawn = state.series.slice(0, maxDrawnSeries);
	const hiddenSeries = state.series.slice(maxDrawnSeries);
	const noForecasts: ExploreForecasts = { bands: [], notes: [] };
	if (drawn.length === 0) return { ok: true, state, isDefault, series: [], hiddenSeries, events: [], exportParams: '', forecasts: noForecasts };
	let query: SeriesQuery;
	try {
		query = buildSeriesQuery(state, drawn, nowMs);
	} catch (error) {
		if (error instanceof ParameterError) return { ok: false, parameter: error.parameter, reason: error.reason };
		throw error;
	}
	const targets = [...new Set(query.series.map((s) => `${s.source}:${s.key}`))];
	const [result, events, forecasts] = await Promise.all([
		readSeriesViews(db, query),
		listEventViews(db, { targets, from: query.from, to: query.to }),
		listForecastBands(db, state, drawn)
	]);
	if ('missing' in result) {
		return { ok: false, parameter: 'series', reason: describeMissing(result, 'search the list for one that exists') };
	}
	const exportParams = buildSeriesParams(state, drawn, nowMs).toString();
	return { ok: true, state, isDefault, series: result.series, hiddenSeries, events, exportParams, forecasts };
}


/** The per-target page: the target, every series of it charted with the URL's range and interval. */
export type TargetPageView =
	| { ok: true; target: TargetSummary; state: ExploreState; series: SeriesView[]; events: EventView[] }
	| { ok: false; target: TargetSummary; parameter: string; reason: string };

/** undefined when the reference is malformed or names no tracked target (the route answers 404). */
export async function buildTargetPageView(db: Db, refText: string, params: URLSearchParams, nowMs: number): Promise<TargetPageView | undefined> {
	const ref = parseTargetRef(refText);
	if (!ref.ok) return undefined;
	const target = await getTargetSummary(db, ref.value);
	if (!target) return undefined;
	const parsed = parseExploreState(params);
	if (!parsed.ok) return { ok: false, target, parameter: parsed.parameter, reason: parsed.reason };
	const state = { ...parsed.state, series: target.series.map((s) => s.series) };
	if (state.series.length === 0) return { ok: true, target, state, series: [], events: [] };
	let query: SeriesQuery;
	try {
		query = buildSeriesQuery(state, state.series.slice(0, maxDrawnSeries), nowMs);
	} catch (error) {
		if (error instanceof ParameterError) return { ok: false, target, parameter: error.parameter, reason: error.reason };
		throw error;
	}
	const [result, events] = await Promise.all([
		readSeriesViews(db, query),
		listEventViews(db, { targets: [target.target], from: query.from, to: query.to })
	]);
	// The series were just listed from the same tables; one deleted in between is simply not drawn.
	return { ok: true, target, state, series: 'missing' in result ? [] : result.series, events };
}
