import { formatSeriesRef, type SeriesRef } from '../../refs.js';
import { parseSampleCsv, type CsvProblem, type CsvSource } from './parse-csv.js';
import type { Database } from '../db/client.js';
import { writeSamples, type WriteCounts, type WriteProgress } from '../db/queries/samples.js';
import { withTransaction } from '../db/transaction.js';
import { listSeriesByRefs, upsertSeries, upsertTarget } from '../db/queries/targets.js';
import { getMetricInfo } from '../metrics/catalog.js';
import type { CounterConfig } from '../config-counters.js';

export type ImportResult =
	| ({ ok: true; series: string; rows: number } & WriteCounts)
	/** `tooManyRows`: more data lines than maxRows; nothing was written either way. */
	| { ok: false; series: string; problems: CsvProblem[]; kind: 'invalid' | 'tooManyRows' };

export interface ImportOptions {
	/** The clock rows in the future are judged by (more than a day after it is refused). */
	now?: Date;
	/** Told as the samples go to the database, for the progress of a long import (logImportProgress). */
	onProgress?: WriteProgress;
	/** IMPORT_MAX_ROWS: a file with more data lines is refused. */
	maxRows?: number;
	/** How the samples' counter flags are judged (COUNTER_* settings); the defaults without it. */
	counters?: CounterConfig;
}

/**
 * Imports a `ts,value` CSV into one series, creating its target and series when missing. Every line is
 * validated first (a date, a number, at most a day in the future, not negative in a counter); then all
 * samples are written in one transaction, so a bad file writes nothing and a re-import of the same
 * file changes nothing. Provenance: imported; an observed sample at the same instant is kept. The text
 * is read as it arrives (a request body, a file stream), never held whole.
 */
export async function importSeriesCsv(database: Database, ref: SeriesRef, csv: CsvSource, options: ImportOptions = {}): Promise<ImportResult> {
	const series = formatSeriesRef(ref);
	if (ref.source === 'reference' || ref.source === 'derived') {
		const message =
			ref.source === 'reference'
				? 'the reference source holds published figures only; import into another source'
				: 'derived series are computed at read time from linked targets; import into another source';
		return { ok: false, series, problems: [{ line: 0, message }], kind: 'invalid' };
	}
	// An existing series keeps the kind it was created with; a new one takes its metric's.
	const [existing] = await listSeriesByRefs(database.db, [ref]);
	const kind = existing?.kind ?? getMetricInfo(ref.metric).kind;
	const parsed = await parseSampleCsv(csv, { now: options.now, isCounter: kind === 'counter', maxRows: options.maxRows });
	if (!parsed.ok) return { ok: false, series, problems: parsed.problems, kind: parsed.kind };
	const counts = await withTransaction(database, async (tx) => {
		const targetId = await upsertTarget(tx.db, { source: ref.source, key: ref.key, displayName: ref.key });
		const seriesId = await upsertSeries(tx.db, targetId, { metric: ref.metric, ...getMetricInfo(ref.metric) });
		return writeSamples(tx, seriesId, 'imported', parsed.samples, options.onProgress, options.counters);
	});
	return { ok: true, series, rows: parsed.samples.length, ...counts };
}
