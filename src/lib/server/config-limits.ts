import { z } from 'zod';

/**
 * The resource limits of the environment (README, Security, "Limits"): request bodies, exports,
 * imports, alert patterns and database statements. Kept apart from config.ts, which merges them in.
 */

const byteUnits: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** A size in bytes, plain or with adapter-node's suffixes: 65536, 64K, 64M, 1G (powers of 1024). */
export function parseByteSize(text: string): number | undefined {
	const match = /^(\d+)([KMG]?)$/i.exec(text.trim());
	if (!match) return undefined;
	const bytes = Number(match[1]) * byteUnits[match[2]!.toUpperCase()]!;
	return Number.isSafeInteger(bytes) ? bytes : undefined;
}

function byteSize(min: number, max: number) {
	const expected = `expected a size in bytes from ${min} to ${max}, e.g. 65536, 64K or 64M`;
	return z.string().transform((text, ctx) => {
		const bytes = parseByteSize(text);
		if (bytes === undefined || bytes < min || bytes > max) {
			ctx.addIssue({ code: 'custom', message: expected });
			return z.NEVER;
		}
		return bytes;
	});
}

const count = (min: number, max: number) =>
	z.coerce
		.number({ error: 'expected a number' })
		.int('expected a whole number')
		.min(min, `expected at least ${min}`)
		.max(max, `expected at most ${max}`);

// adapter-node's own limit, read by it before our hooks run: 512K unless set; Infinity turns it off.
const adapterBodyLimit = z.string().transform((text, ctx) => {
	const bytes = text.trim() === 'Infinity' ? Infinity : parseByteSize(text);
	if (bytes === undefined) {
		ctx.addIssue({ code: 'custom', message: 'expected a size in bytes (e.g. 64M) or Infinity, as adapter-node reads it' });
		return z.NEVER;
	}
	return bytes;
});

export const limitsShape = {
	BODY_SIZE_LIMIT: adapterBodyLimit.prefault('512K'),
	BODY_MAX_BYTES: byteSize(1024, 16 * 1024 ** 2).prefault('64K'),
	IMPORT_MAX_BYTES: byteSize(1024, 1024 ** 3).prefault('64M'),
	IMPORT_MAX_ROWS: count(1, 10_000_000).default(1_000_000),
	EXPORT_CONCURRENCY: count(1, 64).default(4),
	EXPORT_TIMEOUT_MS: count(1_000, 24 * 3_600_000).default(600_000),
	// 0 turns the timeout off, as it does in PostgreSQL.
	STATEMENT_TIMEOUT_MS: count(0, 3_600_000).default(30_000),
	ALERT_PATTERN_MAX_SERIES: count(1, 100_000).default(10_000),
	// 0 keeps no answers (ETags still work).
	SERIES_CACHE_MAX_BYTES: byteSize(0, 4 * 1024 ** 3).prefault('32M')
};

type LimitsEnv = { [K in keyof typeof limitsShape]: z.output<(typeof limitsShape)[K]> };

export interface Limits {
	/**
	 * adapter-node's BODY_SIZE_LIMIT, which it applies to every body before ours: `npm start` sets it to
	 * Infinity so that the limits below decide; a bare `node build` keeps adapter-node's 512K.
	 */
	adapterBodyMaxBytes: number;
	/** Request bodies everywhere but imports: JSON APIs, forms, sign-in. */
	bodyMaxBytes: number;
	/** The body of POST /api/import. */
	importMaxBytes: number;
	/** Data lines of one import (API and `npm run import`). */
	importMaxRows: number;
	/** CSV exports streaming at once in this process; past it, 503 with Retry-After. */
	exportConcurrency: number;
	/** An export still streaming after this long is cut off (its slot and connection released). */
	exportTimeoutMs: number;
	/** PostgreSQL's statement_timeout on the pool's connections; 0 is none. PGlite cannot honour it. */
	statementTimeoutMs: number;
	/** The series one alert rule's pattern may match: refused when saved, the first ones evaluated after. */
	alertPatternMaxSeries: number;
	/** /api/series answers kept in memory, under the data version (cache/respond.ts); 0 keeps none. */
	seriesCacheMaxBytes: number;
}

export function readLimits(e: LimitsEnv): Limits {
	return {
		adapterBodyMaxBytes: e.BODY_SIZE_LIMIT,
		bodyMaxBytes: e.BODY_MAX_BYTES,
		importMaxBytes: e.IMPORT_MAX_BYTES,
		importMaxRows: e.IMPORT_MAX_ROWS,
		exportConcurrency: e.EXPORT_CONCURRENCY,
		exportTimeoutMs: e.EXPORT_TIMEOUT_MS,
		statementTimeoutMs: e.STATEMENT_TIMEOUT_MS,
		alertPatternMaxSeries: e.ALERT_PATTERN_MAX_SERIES,
		seriesCacheMaxBytes: e.SERIES_CACHE_MAX_BYTES
	};
}
