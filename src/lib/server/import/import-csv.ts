import { formatSeriesRef, type SeriesRef } from '../../refs.js';
import { parseSampleCsv, type CsvProblem } from './parse-csv.js';
import type { Database } from '../db/client.js';
import { writeSamples, type WriteCounts } from '../db/queries/samples.js';
import { withTransaction } from '../db/transaction.js';
import { upsertSeries, upsertTarget } from '../db/queries/targets.js';
import { getMetricInfo } from '../metrics/catalog.js';

export type ImportResult =
	| ({ ok: true; series: string; rows: number } & WriteCounts)
	| { ok: false; series: string; problems: CsvProblem[] };

/**
 * Imports a `ts,value` CSV into one series, creating its target and series when missing. Every line is
 * validated first; then all samples are written in one transaction, so a bad file writes nothing and a
 * re-import of the same file changes nothing. Provenance: imported.
 */
export async function importSeriesCsv(database: Database, ref: SeriesRef, csvText: string): Promise<ImportResult> {
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
	const counts = await withTransaction(database, async (tx) => {
		const targetId = await upsertTarget(tx.db, { source: ref.source, key: ref.key, displayName: ref.key });
		const seriesId = await upsertSeries(tx.db, targetId, { metric: ref.metric, ...getMetricInfo(ref.metric) });
		return writeSamples(tx, seriesId, 'imported', parsed.samples);
	});
	return { ok: true, series, rows: parsed.samples.length, ...counts };
}
