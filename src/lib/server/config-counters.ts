import { z } from 'zod';
import { defaultCounterConfig, type CounterConfig } from './metrics/counters.js';

export { defaultCounterConfig, type CounterConfig } from './metrics/counters.js';

/**
 * Counter hygiene settings (README, "Flags"): when a sample is flagged as a jump or a stall. Kept apart
 * from config.ts, which merges them in.
 */

// `none` turns stall flags off; an empty variable means "not set" (the default), as everywhere.
const metricList = z.string().transform((text, ctx) => {
	const names = text.split(',').map((s) => s.trim()).filter(Boolean);
	if (names.length === 1 && names[0] === 'none') return [];
	const bad = names.find((name) => !/^[a-z][a-z0-9_]*$/.test(name));
	if (bad !== undefined || names.length === 0) {
		ctx.addIssue({ code: 'custom', message: `"${bad ?? text}" is not a metric name (expected comma-separated metrics such as pulls,stars, or none)` });
		return z.NEVER;
	}
	return names;
});

export const counterShape = {
	COUNTER_JUMP_FACTOR: z.coerce.number({ error: 'expected a number' }).min(1.01, 'expected more than 1').default(defaultCounterConfig.jumpFactor),
	COUNTER_STALL_DAYS: z.coerce.number({ error: 'expected a number of days' }).min(1).default(defaultCounterConfig.stallDays),
	COUNTER_STALL_METRICS: metricList.prefault(defaultCounterConfig.stallMetrics.join(','))
};

export function readCounterConfig(env: { COUNTER_JUMP_FACTOR: number; COUNTER_STALL_DAYS: number; COUNTER_STALL_METRICS: string[] }): CounterConfig {
	return { jumpFactor: env.COUNTER_JUMP_FACTOR, stallDays: env.COUNTER_STALL_DAYS, stallMetrics: env.COUNTER_STALL_METRICS };
}
