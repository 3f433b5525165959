import type { SeriesRef } from '../../refs.js';
import { afterSamplesWritten } from '../alerts/after-write.js';
import type { AlertRun } from '../alerts/run.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { importSeriesCsv, type ImportResult } from './import-csv.js';
import type { CsvSource } from './parse-csv.js';

export interface ImportOutcome {
	result: ImportResult;
	/**
	 * The alert run on the new samples, already started (undefined when nothing changed). The caller
	 * decides whether to wait: the API answers at once and only logs a failure; the CLI waits and reports.
	 */
	alerts: Promise<AlertRun | undefined>;
}

/** An import (`POST /api/import`, `npm run import`): the CSV written, then handed to the after-write hook. */
export async function importSeries(database: Database, config: Config, ref: SeriesRef, csv: CsvSource): Promise<ImportOutcome> {
	const result = await importSeriesCsv(database, ref, csv, { maxRows: config.limits.importMaxRows });
	const changedSamples = result.ok ? result.inserted + result.updated : 0;
	return { result, alerts: afterSamplesWritten(database.db, config, { changedSamples }) };
}
