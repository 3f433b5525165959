import type { SeriesRef } from '../../refs.js';
import { afterSamplesWritten, type AfterWrite } from '../alerts/after-write.js';
import type { EvaluationReport } from '../alerts/evaluate.js';
import type { Database } from '../db/client.js';
import type { WriteProgress } from '../db/queries/samples.js';
import { samplesWritten } from '../telemetry/metrics.js';
import { importSeriesCsv, type ImportOptions, type ImportResult } from './import-csv.js';
import type { CsvSource } from './parse-csv.js';

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
export async function importSeries(
	database: Database,
	ref: SeriesRef,
	csv: CsvSource,
	after: AfterWrite,
	options: Pick<ImportOptions, 'onProgress' | 'maxRows' | 'counters'> = {}
): Promise<ImportOutcome> {
	const result = await importSeriesCsv(database, ref, csv, options);
	const changedSamples = result.ok ? result.inserted + result.updated : 0;
	samplesWritten.inc({ source: ref.source, provenance: 'imported' }, changedSamples);
	return { result, alerts: afterSamplesWritten(database.db, { changedSamples }, after) };
}

/**
 * Progress lines for a long import, at each tenth of its samples written (inside its transaction: a
 * crash before the end still leaves nothing), when it has at least `minSamples`: a 200,000-row file
 * takes seconds, and whoever watches the command or the server's log sees it moving.
 */
export function logImportProgress(prefix: string, print: (line: string) => void, minSamples = 0): WriteProgress {
	let tenthsDone = 0;
	return (written, total) => {
		const tenths = Math.floor((written / total) * 10);
		if (total < minSamples || tenths <= tenthsDone) return;
		tenthsDone = tenths;
		print(`${prefix}: ${written} of ${total} samples written`);
	};
}
