import { formatSeriesRef } from '../../refs.js';
import type { ForecastRow } from '../../types/forecast.js';
import type { Db } from '../db/client.js';
import { listSeriesWindow } from '../db/queries/series-points.js';
import { listSeriesByRefs, type SeriesRecord } from '../db/queries/targets.js';
import { computeForecast, describeMethod, type Forecast, type ForecastPoint } from '../metrics/forecast.js';
import { computeMilestone, type Milestone } from '../metrics/milestone.js';
import type { ForecastQuery } from './params.js';

/** The answer of GET /api/forecast: the projection of one counter, and when it passes a value. */
export interface ForecastAnswer {
	series: string;
	method: string;
	horizon: number;
	/** The last observed day and its value, where the projection starts. */
	origin: { ts: string; value: number };
	points: ForecastRow[];
	milestone?: Milestone;
}

export type ForecastOutcome =
	| { answer: ForecastAnswer }
	| { missing: string }
	/** Known, but nothing to project: a gauge, or too short a history. */
	| { unforecastable: string };

export const toForecastRow = (p: ForecastPoint): ForecastRow => [new Date(p.tMs).toISOString(), p.value, p.lower80, p.upper80, p.lower95, p.upper95];

/** Reads a series' daily values (the last sample of each UTC day) and projects them, or says why not. */
export async function projectSeries(db: Db, record: SeriesRecord, horizonDays: number): Promise<{ forecast: Forecast } | { unforecastable: string }> {
	const series = formatSeriesRef(record);
	if (record.kind !== 'counter') {
		return { unforecastable: `${series} is a gauge; forecasts project counters (a running total that only grows)` };
	}
	const window = await listSeriesWindow(db, record.id, { from: undefined, to: undefined, interval: 'day' });
	const result = computeForecast(window.points.map((p) => [p.tMs, p.value]), horizonDays);
	return result.ok ? { forecast: result.forecast } : { unforecastable: `${series}: ${result.reason}` };
}

export async function answerForecast(db: Db, query: ForecastQuery): Promise<ForecastOutcome> {
	const [record] = await listSeriesByRefs(db, [query.series]);
	if (!record) return { missing: formatSeriesRef(query.series) };
	const projected = await projectSeries(db, record, query.horizon);
	if ('unforecastable' in projected) return projected;
	const { forecast } = projected;
	const answer: ForecastAnswer = {
		series: formatSeriesRef(record),
		method: describeMethod(),
		horizon: query.horizon,
		origin: { ts: new Date(forecast.originMs).toISOString(), value: forecast.originValue },
		points: forecast.points.map(toForecastRow)
	};
	if (query.milestone !== undefined) answer.milestone = computeMilestone(forecast, query.milestone);
	return { answer };
}
