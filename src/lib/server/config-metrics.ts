import { z } from 'zod';
import { booleanFlag } from './config-values.js';

/** Prometheus metrics settings (README, "Metrics"). Kept apart from config.ts, which merges them in. */

export const metricsShape = {
	METRICS: booleanFlag.default(false),
	METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters (a random secret)').optional(),
	METRICS_PORT: z.coerce
		.number({ error: 'expected a port number' })
		.int('expected a whole number')
		.min(1, 'expected a port between 1 and 65535')
		.max(65535, 'expected a port between 1 and 65535')
		.default(9464)
};

/** GET /metrics on the server, and the worker's own port (`npm run worker`). */
export interface MetricsConfig {
	isEnabled: boolean;
	token: string | undefined;
	workerPort: number;
}

export function readMetricsConfig(e: z.output<z.ZodObject<typeof metricsShape>>): MetricsConfig {
	return { isEnabled: e.METRICS, token: e.METRICS_TOKEN, workerPort: e.METRICS_PORT };
}
