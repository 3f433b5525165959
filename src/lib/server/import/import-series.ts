import type { SeriesRef } from '../../refs.js';
import { afterSamplesWritten, type KickDeliveries } from '../alerts/after-write.js';
import type { EvaluationReport } from '../alerts/evaluate.js';
import type { Database } from '../db/client.js';
import { importSeriesCsv, type ImportResult } from './import-csv.js';

export interface ImportOutcome {
	result: ImportResult;
	/**
	 * The evaluation of the new samples, already started (undefined when nothing changed). The caller
	 * decides whether to wait: the API answers at once and only logs a failure; the CLI waits, then
	 * sends what it queued.
	 */
	alerts: Promise<EvaluationReport | undefined>;
}

/** An import (`POST /api/import`, `npm run import`): the CSV written, then handed to the after-write hook. */
export async function importSeries(database: Database, ref: SeriesRef, csvText: string, kickDeliveries: KickDeliveries): Promise<ImportOutcome> {
	const result = await importSeriesCsv(database, ref, csvText);
	const changedSamples = result.ok ? result.inserted + result.updated : 0;
	return { result, alerts: afterSamplesWritten(database.db, { changedSamples }, kickDeliveries) };
}
