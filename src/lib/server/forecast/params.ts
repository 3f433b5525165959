import { z } from 'zod';
import { seriesRef, wholeNumber } from '../http/schemas.js';

/** The query string of /api/forecast, validated with zod. */

/** Three years: past that, a trend fitted to the last 90 days says nothing. */
export const maxHorizonDays = 1095;

export const forecastQuery = z.object({
	series: seriesRef,
	horizon: wholeNumber(1, maxHorizonDays).default(365),
	milestone: z.coerce
		.number({ error: 'expected a number, the value the counter is to pass' })
		.refine(Number.isFinite, 'expected a finite number')
		.refine((value) => value > 0, 'expected a value above 0')
		.optional()
});

export type ForecastQuery = z.output<typeof forecastQuery>;
