import { formatSeriesRef, parseSeriesRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { listSeriesByRefs, listSeriesMatching, type SeriesRecord } from '../db/queries/targets.js';
import { seriesSelector } from '../series/selector.js';
import type { Measure } from './measures.js';

/**
 * The series behind each measure as the store holds them now, as alternatives to sum, in order of
 * preference: each existing candidate of a series measure on its own (the scorecard takes the first
 * that covers the period: a collected series that started last month does not hide a rebuilt history
 * of 2014), or every match of a sum as one. A measure with nothing tracked gets none (its row
 * says what to track).
 */

/** Far above any watchlist; a pattern matching more is cut here, and the row's coverage says how many were counted. */
export const maxSeriesPerMeasure = 1_000;

const refOf = (text: string) => {
	const parsed = parseSeriesRef(text);
	if (!parsed.ok) throw new Error(`scorecard measure names a bad series "${text}": ${parsed.message}`);
	return parsed.value;
};

async function listCandidates(db: Db, candidates: readonly string[]): Promise<SeriesRecord[][]> {
	const found = await listSeriesByRefs(db, candidates.map(refOf));
	return found.filter((record) => record !== undefined).map((record) => [record]);
}

async function listMatches(db: Db, selectors: readonly string[]): Promise<SeriesRecord[]> {
	const found: SeriesRecord[] = [];
	for (const text of selectors) {
		const selector = seriesSelector.parse(text);
		if (selector.kind === 'pattern') found.push(...(await listSeriesMatching(db, selector.pattern, maxSeriesPerMeasure)));
		else found.push(...(await listSeriesByRefs(db, [selector.ref])).filter((r) => r !== undefined));
	}
	return [...new Map(found.map((r) => [r.id, r])).values()];
}

export async function listMeasureSeries(db: Db, measure: Measure): Promise<SeriesRecord[][]> {
	switch (measure.source.kind) {
		case 'series':
			return listCandidates(db, measure.source.candidates);
		case 'sum': {
			const matches = await listMatches(db, measure.source.selectors);
			return matches.length > 0 ? [matches] : [];
		}
		// A derived measure reads no series (distinct-contributors.ts), and a published one has none.
		case 'distinctContributors':
		case 'published':
			return [];
	}
}

export const formatRecordRef = (record: SeriesRecord) => formatSeriesRef(record);
