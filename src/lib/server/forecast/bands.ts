import type { ExploreState } from '../../explore-state.js';
import { parseSeriesRef, type SeriesRef } from '../../refs.js';
import type { ForecastBand } from '../../types/forecast.js';
import type { Db } from '../db/client.js';
import { listSeriesByRefs } from '../db/queries/targets.js';
import { projectSeries, toForecastRow } from './respond.js';

/** The explorer's projections (`forecast=<days>`): one band per drawn counter, and why any is missing. */
export interface ExploreForecasts {
	bands: ForecastBand[];
	/** Why a projection was asked for and is not drawn, one line per reason, for the page to say. */
	notes: string[];
}

/**
 * A projection is of a counter's value, on the calendar: with another transform (a delta, a share) or
 * with series aligned by age, the dashed line would continue something it does not project.
 */
export async function listForecastBands(db: Db, state: Pick<ExploreState, 'forecast' | 'transform' | 'align'>, drawn: readonly string[]): Promise<ExploreForecasts> {
	if (state.forecast === undefined) return { bands: [], notes: [] };
	if (state.transform !== 'value' || state.align) {
		return { bands: [], notes: ['Projections are drawn on values by date: choose the value transform, without aligning by age.'] };
	}
	const refs = drawn.flatMap((text) => {
		const parsed = parseSeriesRef(text);
		return parsed.ok ? [parsed.value] : ([] as SeriesRef[]);
	});
	const records = await listSeriesByRefs(db, refs);
	const bands: ForecastBand[] = [];
	const notes: string[] = [];
	for (const record of records) {
		if (!record) continue;
		const projected = await projectSeries(db, record, state.forecast);
		if ('unforecastable' in projected) notes.push(`No projection for ${projected.unforecastable}.`);
		else bands.push({ series: `${record.source}:${record.key}:${record.metric}`, points: projected.forecast.points.map(toForecastRow) });
	}
	return { bands, notes };
}
