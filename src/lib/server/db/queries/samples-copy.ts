import pg from 'pg';
import { buildSessionOptions } from '../client.js';
import { to as copyTo } from 'pg-copy-streams';
import { log } from '../../telemetry/log.js';

/**
 * One series' stored samples as CSV written by PostgreSQL itself (COPY ... TO STDOUT), for the CSV
 * export's fast path: the columns of the export's long layout, ISO 8601 UTC times to the millisecond,
 * formula-like text neutralised (a leading = + - @ tab or CR gets a '), lines ended by LF.
 */

const neutralised = (column: string) => `case when ${column} ~ '^[=+@\\t\\r-]' then '''' || ${column} else ${column} end`;

/** COPY takes no bind parameters: everything inlined here is an integer or a timestamp made by code. */
function buildCopyStatement(seriesId: number, range: { from?: Date; to?: Date }): string {
	if (!Number.isSafeInteger(seriesId)) throw new TypeError(`series id ${seriesId} is not an integer`);
	const from = range.from ? `'${range.from.toISOString()}'::timestamptz` : `'-infinity'::timestamptz`;
	const to = range.to ? `'${range.to.toISOString()}'::timestamptz` : `'infinity'::timestamptz`;
	return `copy (
		select ${neutralised(`t.source || ':' || t.key || ':' || s.metric`)}, ${neutralised(`t.source || ':' || t.key`)}, ${neutralised('s.metric')},
			to_char(x.ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), x.value, x.provenance, array_to_string(x.flags, ' ')
		from samples x join series s on s.id = x.series_id join targets t on t.id = s.target_id
		where x.series_id = ${seriesId} and x.ts >= ${from} and x.ts < ${to}
		order by x.ts
	) to stdout with (format csv)`;
}

/** A connection that runs one export's COPY statements, one after another. */
export interface CopyConnection {
	/**
	 * The samples of one series in [from, to), oldest first, chunk by chunk as PostgreSQL sends them
	 * (UTF-8 bytes; a chunk may end inside a character), read only as fast as the caller takes them.
	 */
	streamSeries(seriesId: number, range: { from?: Date; to?: Date }): AsyncGenerator<Buffer>;
	/** Ends the session; one still in COPY (a download cut short) has its socket destroyed. */
	close(): Promise<void>;
}

/**
 * A connection of its own, outside the pool, for one export: a download runs as fast as its client
 * reads, and a slow one must not hold a pooled connection the API and the collectors need (the export
 * slots bound how many of these exist). Its statement_timeout is the export's deadline.
 */
export async function openCopyConnection(pool: pg.Pool, statementTimeoutMs: number): Promise<CopyConnection> {
	const client = new pg.Client({ ...pool.options, options: buildSessionOptions(statementTimeoutMs) });
	// A socket destroyed mid-COPY reports an error on the client; unhandled, it would end the process.
	client.on('error', (error) => log.error({ err: error }, 'export connection failed'));
	await client.connect();
	return {
		async *streamSeries(seriesId, range) {
			for await (const chunk of client.query(copyTo(buildCopyStatement(seriesId, range)))) yield chunk as Buffer;
		},
		async close() {
			// pg's end() destroys the socket while a statement is still active (a COPY left half-read, which
			// PostgreSQL then abandons), else says goodbye; the connection is never reused either way.
			await client.end().catch((error: Error) => log.error({ err: error }, 'closing an export connection failed'));
		}
	};
}
