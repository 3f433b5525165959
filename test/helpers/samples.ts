import { sql } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db/client.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import type { Provenance } from '../../src/lib/server/db/schema/index.js';
import { parseSeriesQuery } from '../../src/lib/server/series/params.js';
import { readSeriesViews, type SeriesView } from '../../src/lib/server/series/read.js';

/** Creates (or finds) the counter github:<key>:<metric>; returns the series id. */
export async function defineSeries(db: Db, key: string, metric: string): Promise<number> {
	const targetId = await upsertTarget(db, { source: 'github', key, displayName: key });
	return upsertSeries(db, targetId, { metric, unit: metric, kind: 'counter' });
}

/** Creates github:<key>:<metric> with the given [iso, value] samples; returns the series id. */
export async function seedSeries(
	db: Db,
	key: string,
	metric: string,
	samples: [string, number][],
	provenance: Provenance = 'observed'
): Promise<number> {
	const seriesId = await defineSeries(db, key, metric);
	await upsertSamples(db, seriesId, provenance, samples.map(([iso, value]) => ({ ts: new Date(iso), value })));
	return seriesId;
}

/**
 * Writes [iso, value] samples as they are, in one statement: for long series, several times faster
 * than upsertSamples, and without the counter flags it computes (set them by hand where a test needs them).
 */
export async function insertSamples(db: Db, seriesId: number, samples: readonly [string, number][], provenance: Provenance = 'observed'): Promise<void> {
	await db.execute(sql`insert into samples (series_id, ts, value, provenance)
		select ${seriesId}, ts, value, ${provenance} from unnest(
			${sql.param(samples.map(([iso]) => iso))}::timestamptz[], ${sql.param(samples.map(([, value]) => value))}::float8[]
		) as t(ts, value)`);
}

/** What /api/series answers for a query string, read in process; a missing series throws, naming it. */
export async function readSeriesList(db: Db, query: string): Promise<SeriesView[]> {
	const result = await readSeriesViews(db, parseSeriesQuery(new URLSearchParams(query)));
	if (!('series' in result)) throw new Error(`missing ${result.missing.join(', ')}`);
	return result.series;
}
