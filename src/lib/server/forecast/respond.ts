import { formatSeriesRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { listSeriesWindow } from '../db/queries/series-points.js';
import { listSeriesByRefs } from '../db/queries/targets.js';
import { computeForecast, describeMethod, type ForecastPoint } from '../metrics/forecast.js';
import { computeMilestone, type Milestone } from '../metrics/milestone.js';
import type { ForecastQuery } from './params.js';

/** The answer of GET /api/forecast: the projection of one counter, and when it passes a value. */
export interface ForecastAnswer {
	series: string;
	method: string;
	horizon: number;
	/** The last observed day and its value, where the projection starts. */
	origin: { ts: string; value: number };
	/** One per projected day: [iso-timestamp, value, lower80, upper80, lower95, upper95]. */
	points: [string, number, number, number, number, number][];
	milestone?: Milestone;
}

export type ForecastOutcome =
	| { answer: ForecastAnswer }
	| { missing: string }
	/** Known, but nothing to project: a gauge, or too short a history. */
	| { unforecastable: string };

const toRow = (p: ForecastPoint): ForecastAnswer['points'][number] => [new Date(p.tMs).toISOString(), p.value, p.lower80, p.upper80, p.lower95, p.upper95];

/** Reads the series' daily values (the last sample of each UTC day) and projects them. */
export async function answerForecast(db: Db, query: ForecastQuery): Promise<ForecastOutcome> {
	const [record] = await listSeriesByRefs(db, [query.series]);
	const series = formatSeriesRef(query.series);
	if (!record) return { missing: series };
	if (record.kind !== 'counter') {
		return { unforecastable: `${series} is a gauge; forecasts project counters (a running total that only grows)` };
	}
	const window = await listSeriesWindow(db, record.id, { from: undefined, to: undefined, interval: 'day' });
	const result = computeForecast(window.points.map((p) => [p.tMs, p.value]), query.horizon);
	if (!result.ok) return { unforecastable: `${series}: ${result.reason}` };
	const { forecast } = result;
	const answer: ForecastAnswer = {
		series,
		method: describeMethod(),
		horizon: query.horizon,
		origin: { ts: new Date(forecast.originMs).toISOString(), value: forecast.originValue },
		points: forecast.points.map(toRow)
	};
	if (query.milestone !== undefined) answer.milestone = computeMilestone(forecast, query.milestone);
	return { answer };
}
