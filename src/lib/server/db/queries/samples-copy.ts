import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

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

/**
 * The samples of one series in [from, to), oldest first, chunk by chunk as PostgreSQL sends them (UTF-8
 * bytes; a chunk may end inside a character), read only as fast as the caller takes them.
 */
export async function* streamSamplesCsv(pool: pg.Pool, seriesId: number, range: { from?: Date; to?: Date }): AsyncGenerator<Buffer> {
	const client = await pool.connect();
	try {
		for await (const chunk of client.query(copyTo(buildCopyStatement(seriesId, range)))) yield chunk as Buffer;
	} finally {
		client.release();
	}
}
