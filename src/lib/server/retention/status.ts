import { z } from 'zod';
import type { Db } from '../db/client.js';
import { getAppState } from '../db/queries/app-state.js';
import type { RetentionConfig } from '../config-retention.js';
import type { CompactionReport, RetentionView } from '../../types/retention.js';

/** The last compaction pass, kept in app_state (one row, replaced by each pass), for the health page. */

export const compactionStateKey = 'sampleCompaction';

const storedReport = z.object({
	rawDays: z.number(),
	cutoff: z.string(),
	startedAt: z.string(),
	finishedAt: z.string(),
	isComplete: z.boolean(),
	series: z.number(),
	batches: z.number(),
	samplesRemoved: z.number()
});

/** The last pass, or null when none has run (or an older release stored something else there). */
export async function getLastCompaction(db: Db): Promise<CompactionReport | null> {
	const parsed = storedReport.safeParse(await getAppState(db, compactionStateKey));
	return parsed.success ? parsed.data : null;
}

export async function getRetentionView(db: Db, config: RetentionConfig): Promise<RetentionView> {
	return { rawDays: config.rawDays ?? null, cron: config.cron, lastPass: await getLastCompaction(db) };
}
