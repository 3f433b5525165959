import { setImmediate } from 'node:timers/promises';
import type { Db } from '../db/client.js';
import { upsertAppState } from '../db/queries/app-state.js';
import { compactObservedRuns, listCompactableSeriesIds, markSeriesCompactedUntil, planCompactionBatch } from '../db/queries/compaction.js';
import { lockSeriesForWrite } from '../db/queries/sample-flags.js';
import type { CompactionReport } from '../../types/retention.js';
import { compactionStateKey } from './status.js';

/**
 * Retention of raw samples. Hourly polls are worth their resolution for a few weeks; after that
 * analysts read days, weeks and months, and a store keeping every hour for ever grows 24 times faster
 * than what is read. So observed samples older than RAW_RETENTION_DAYS are compacted to one per UTC
 * day: the day's last value, carrying the flags of the whole day (queries/compaction.ts), which is
 * exactly what a read at interval=day or coarser keeps, so those reads answer the same afterwards.
 * Imported, reconstructed and reference samples are never compacted: they are someone's figures.
 *
 * In place (DELETE, then the kept rows' flags), rather than month partitions swapped for compacted
 * copies: the samples table, its primary key, the series_latest triggers and every writer stay as they
 * are, and no partition has to exist before a sample of any year (a rebuilt history reaches back to
 * 2013) can be written. The space freed is reused by new samples, so the store stops growing with
 * the hours; giving it back to the file system takes a rewrite of the table (VACUUM FULL, the
 * `--reclaim` option of `npm run compact`), which blocks writes, so it is never done on a schedule.
 *
 * Batches: one series' next days holding about `batchRows` samples, in one transaction under the
 * series' write lock, with the series' compacted_until moved in it. Writers of that series wait for
 * one batch at most, writers of other series not at all; a crash loses at most the batch in flight,
 * which the next pass does again; a pass that finds nothing to do changes nothing.
 */

const dayMs = 86_400_000;
const defaultBatchRows = 5_000;

export interface CompactionOptions {
	/** Observed samples older than this many days are compacted. */
	rawDays: number;
	now: Date;
	/** Aborted: the pass stops after the batch in flight; the next one goes on from there. */
	signal?: AbortSignal;
	batchRows?: number;
	/** Told after each batch (the benchmark times them: a batch is the longest a writer of its series waits). */
	onBatch?: (batch: { seriesId: number; removed: number; ms: number }) => void;
}

/** The first UTC midnight of the days kept raw: days before it are wholly older than `rawDays`. */
export function computeCompactionCutoff(now: Date, rawDays: number): Date {
	const reach = now.getTime() - rawDays * dayMs;
	return new Date(reach - (((reach % dayMs) + dayMs) % dayMs));
}

interface SeriesPass {
	batches: number;
	removed: number;
}

/** One series up to the cutoff, batch by batch; stops early when aborted. */
async function compactSeries(db: Db, seriesId: number, cutoff: Date, options: CompactionOptions): Promise<SeriesPass> {
	const pass: SeriesPass = { batches: 0, removed: 0 };
	const batchRows = options.batchRows ?? defaultBatchRows;
	while (!options.signal?.aborted) {
		const startedAt = performance.now();
		const removed = await db.transaction(async (tx) => {
			// Removed meanwhile: nothing to compact.
			if (!(await lockSeriesForWrite(tx, seriesId))) return undefined;
			const range = await planCompactionBatch(tx, seriesId, cutoff, batchRows);
			if (!range) return undefined;
			const count = await compactObservedRuns(tx, seriesId, range);
			await markSeriesCompactedUntil(tx, seriesId, range.to);
			return count.removed;
		});
		if (removed === undefined) break;
		options.onBatch?.({ seriesId, removed, ms: performance.now() - startedAt });
		pass.batches++;
		pass.removed += removed;
		// PGlite runs each statement in this thread: a turn of the event loop lets requests in between.
		await setImmediate();
	}
	return pass;
}

/**
 * Compacts every series' observed samples older than `rawDays`, and records the pass in app_state
 * for the health page. Returns what it did; isComplete is false when it was aborted.
 */
export async function compactObservedSamples(db: Db, options: CompactionOptions): Promise<CompactionReport> {
	const startedAt = new Date();
	const cutoff = computeCompactionCutoff(options.now, options.rawDays);
	let series = 0;
	let batches = 0;
	let samplesRemoved = 0;
	for (const seriesId of await listCompactableSeriesIds(db)) {
		if (options.signal?.aborted) break;
		const pass = await compactSeries(db, seriesId, cutoff, options);
		if (pass.removed > 0) series++;
		batches += pass.batches;
		samplesRemoved += pass.removed;
	}
	const report: CompactionReport = {
		rawDays: options.rawDays,
		cutoff: cutoff.toISOString(),
		startedAt: startedAt.toISOString(),
		finishedAt: new Date().toISOString(),
		isComplete: !options.signal?.aborted,
		series,
		batches,
		samplesRemoved
	};
	await upsertAppState(db, compactionStateKey, report);
	return report;
}
