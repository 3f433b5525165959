import { z } from 'zod';
import { cronExpression } from './config-values.js';

/**
 * Retention of raw samples (README, "Retention"): how long observed samples are kept as collected
 * before they are compacted to one per UTC day, and when the compaction runs. Kept apart from
 * config.ts, which merges them in.
 */

export interface RetentionConfig {
	/** Observed samples older than this many days are compacted; undefined (RAW_RETENTION_DAYS=off): never. */
	rawDays: number | undefined;
	/** When the compaction job runs (cron, UTC). */
	cron: string;
}

export const defaultRawRetentionDays = 90;

// `off`, not 0, turns it off: 0 reads as "keep no raw day", which would compact today as it is being
// collected. At least a day, so that a compacted day is always a finished one.
const retentionDays = z.string().transform((text, ctx) => {
	const trimmed = text.trim().toLowerCase();
	if (trimmed === 'off') return undefined;
	const days = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
	if (!Number.isSafeInteger(days) || days < 1) {
		ctx.addIssue({ code: 'custom', message: `"${text}" is not a number of days (expected a whole number of days, at least 1, or off)` });
		return z.NEVER;
	}
	return days;
});

export const retentionShape = {
	RAW_RETENTION_DAYS: retentionDays.prefault(String(defaultRawRetentionDays)),
	// Daily, at night (UTC), apart from the daily contributor (03:15) and ecosystem (04:30) runs.
	COMPACTION_CRON: cronExpression.default('40 2 * * *')
};

export function readRetentionConfig(env: { RAW_RETENTION_DAYS: number | undefined; COMPACTION_CRON: string }): RetentionConfig {
	return { rawDays: env.RAW_RETENTION_DAYS, cron: env.COMPACTION_CRON };
}
