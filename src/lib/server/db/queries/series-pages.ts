import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { Provenance } from '../schema/index.js';
import { buildPointsQuery, buildWindowStart, type WindowSpec } from './series-points.js';

/**
 * A series read in pages, for exports of any length with flat memory: each page is a range scan on the
 * samples primary key (series_id, ts) that starts after the last point of the previous page (keyset
 * paging, so page n costs what page 1 costs), with the very statement the series API reads.
 */

export interface PagePoint {
	tMs: number;
	value: number;
	provenance: Provenance;
	flags: string[];
}

interface PageRow {
	t_ms: number;
	value: number;
	provenance: Provenance;
	flags: string | null;
}

export function toPagePoint(row: PageRow): PagePoint {
	return {
		tMs: Number(row.t_ms),
		value: Number(row.value),
		provenance: row.provenance,
		flags: row.flags ? [...new Set(row.flags.split(','))].filter(Boolean) : []
	};
}

/** The page of points after `afterMs` (a point's time: a sample's, or a bucket's start). */
export async function listSeriesPage(
	db: Db,
	seriesId: number,
	spec: WindowSpec,
	afterMs: number | undefined,
	limit: number
): Promise<PagePoint[]> {
	return (await queryRows<PageRow>(db, buildPointsQuery(seriesId, spec, { afterMs, limit }))).map(toPagePoint);
}

/** The last sample before `before`: the baseline of a range's first delta or growth. */
export async function getValueBefore(db: Db, seriesId: number, spec: WindowSpec): Promise<number | undefined> {
	if (!spec.from) return undefined;
	const [row] = await queryRows<{ value: number }>(
		db,
		sql`select value from samples where series_id = ${seriesId} and ts < ${buildWindowStart(spec)} order by ts desc limit 1`
	);
	return row === undefined ? undefined : Number(row.value);
}
