import { formatSeriesRef, type SeriesRef } from '../refs.js';
import { parseSampleCsv, type CsvProblem } from './csv.js';
import type { Db } from './db/client.js';
import { upsertSamples, type WriteCounts } from './db/queries/samples.js';
import { upsertSeries, upsertTarget } from './db/queries/targets.js';
import { getMetricInfo } from './metrics/catalog.js';

export type ImportResult =
	| ({ ok: true; series: string; rows: number } & WriteCounts)
	| { ok: false; series: string; problems: CsvProblem[] };

/**
 * Imports a `ts,value` CSV into one series, creating its target and series when missing. Every line is
 * validated first; then all samples are written in one transaction, so a bad file writes nothing and a
 * re-import of the same file changes nothing. Provenance: imported.
 */
export async function importSeriesCsv(db: Db, ref: SeriesRef, csvText: string): Promise<ImportResult> {
	const series = formatSeriesRef(ref);
	if (ref.source === 'reference') {
		return {
			ok: false,
			series,
			problems: [{ line: 0, message: 'the reference source holds published figures only; import into another source' }]
		};
	}
	const parsed = parseSampleCsv(csvText);
	if (!parsed.ok) return { ok: false, series, problems: parsed.problems };
	const counts = await db.transaction(async (tx) => {
		const targetId = await upsertTarget(tx, { source: ref.source, key: ref.key, displayName: ref.key });
		const seriesId = await upsertSeries(tx, targetId, { metric: ref.metric, ...getMetricInfo(ref.metric) });
		return upsertSamples(tx, seriesId, 'imported', parsed.samples);
	});
	return { ok: true, series, rows: parsed.samples.length, ...counts };
}
