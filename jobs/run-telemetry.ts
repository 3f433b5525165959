import {
	collectionRunDuration,
	collectionRuns,
	samplesWritten,
	sourceRateBudget,
	sourceRequests
} from '../src/lib/server/telemetry/metrics.js';
import { log } from '../src/lib/server/telemetry/log.js';
import type { CollectorEntry } from './registry.js';

/**
 * A collector whose every run, however started (schedule, catch-up, `npm run collect`, a new target's
 * check), is logged in one line with its figures and counted in the metrics: its outcome and duration,
 * the requests it made and the rate budget its source reported, and the samples it changed (observed
 * by collections, reconstructed by backfills).
 */
export function withRunTelemetry(entry: CollectorEntry): CollectorEntry {
	const provenance = entry.command === 'collect' ? 'observed' : 'reconstructed';
	return {
		...entry,
		run: async (db, config, options) => {
			const stopTimer = collectionRunDuration.startTimer({ collector: entry.name });
			try {
				const report = await entry.run(db, config, options);
				if (report.runId === undefined) {
					log.info({ collector: entry.name }, `run ${entry.name}: nothing left in the shared tick, other workers took every batch`);
					return report;
				}
				const { runId, status, targetsDone, targetsFailed, requestsMade, rateBudgetLeft, changedSamples } = report;
				log.info(
					{ collector: entry.name, runId, status, targetsDone, targetsFailed, requestsMade, rateBudgetLeft, changedSamples, onlyKey: options?.onlyKey },
					`run ${entry.name}: ${status}, ${targetsDone} target(s) done, ${targetsFailed} failed, ${requestsMade} request(s), ${changedSamples} sample(s) changed`
				);
				collectionRuns.inc({ collector: entry.name, outcome: report.status });
				sourceRequests.inc({ source: entry.source }, report.requestsMade);
				if (report.rateBudgetLeft !== undefined) {
					sourceRateBudget.set({ source: entry.source }, report.rateBudgetLeft);
				}
				samplesWritten.inc({ source: entry.source, provenance }, report.changedSamples);
				return report;
			} catch (error) {
				collectionRuns.inc({ collector: entry.name, outcome: 'failed' });
				throw error;
			} finally {
				stopTimer();
			}
		}
	};
}
