import cron from 'node-cron';
import { z } from 'zod';

/** Value parsers that several groups of settings share (config.ts and the config-*.ts beside it). */

export const booleanFlag = z
	.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
	.transform((v) => v === 'true' || v === '1' || v === 'yes');

// Checked by node-cron itself, so that a bad schedule stops start-up rather than the scheduler.
export const cronExpression = z
	.string()
	.refine((expression) => cron.validate(expression), 'expected a cron expression of 5 or 6 fields, e.g. "0 * * * *"');
