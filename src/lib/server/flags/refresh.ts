import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../db/client.js';
import { getAppState, upsertAppState } from '../db/queries/app-state.js';
import { liftStatementTimeoutForTransaction } from '../db/queries/database.js';
import { listSeriesSpans, lockSeriesForWrite, recomputeSampleFlags } from '../db/queries/sample-flags.js';
import { resolveFlagRules, type CounterConfig } from '../metrics/counters.js';

/**
 * Keeps the stored counter flags true to the rules in force. Writers recompute flags around what they
 * write, but samples nobody writes near keep the flags they were given: after an upgrade that changed
 * the rules (stall only on COUNTER_STALL_METRICS, frozen, wrapped) or a change of the COUNTER_*
 * settings, old flags would stay on old samples for ever. So each start compares the rules and settings
 * the store's flags were computed under (kept in app_state) with today's, and when they differ
 * recomputes every series, one transaction per series under its write lock (writers of other series
 * go on), and records the new marker last: an interrupted refresh starts over at the next start, which
 * changes nothing for the series already done. Compacted days keep the flags of the samples they stand
 * for (recomputeSampleFlags leaves them): those samples are gone, so the new rules cannot judge them.
 */

// Raise when computeCounterFlags' rules change, so that stores recompute their flags once.
const flagRulesVersion = 2;
const markerKey = 'counterFlagRules';

export interface FlagRefresh {
	series: number;
	/** Samples whose flags changed. */
	changed: number;
}

/** Recomputes every series' flags when the rules or settings differ from the store's; undefined when they do not. */
export async function refreshCounterFlags(db: Db, counters: CounterConfig): Promise<FlagRefresh | undefined> {
	const marker = { version: flagRulesVersion, counters };
	if (isDeepStrictEqual(await getAppState(db, markerKey), marker)) return undefined;
	let changed = 0;
	const spans = await listSeriesSpans(db);
	for (const span of spans) {
		changed += await db.transaction(async (tx) => {
			// A series of millions of samples takes as long as it takes; a start must not fail on it.
			await liftStatementTimeoutForTransaction(tx);
			const series = await lockSeriesForWrite(tx, span.id);
			// Removed meanwhile: nothing to recompute.
			if (!series) return 0;
			const recount = await recomputeSampleFlags(tx, span.id, { from: span.first, to: span.last }, resolveFlagRules(counters, series));
			return recount.changed;
		});
	}
	await upsertAppState(db, markerKey, marker);
	return { series: spans.length, changed };
}
