import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { runAlerts, type AlertRun } from './run.js';

/**
 * The one place where writing samples leads to judging them. Every writer calls it after a write:
 * imports (API and `npm run import`), scheduled collections and `npm run collect`, so that new samples
 * are judged at once and what is due is notified. A write that changed no sample judges nothing.
 */
export async function afterSamplesWritten(db: Db, config: Config, written: { changedSamples: number }): Promise<AlertRun | undefined> {
	if (written.changedSamples === 0) return undefined;
	return runAlerts(db, config);
}
