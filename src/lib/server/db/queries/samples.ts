import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';
import type { Provenance } from '../schema/index.js';

export interface SampleInput {
	ts: Date;
	value: number;
	note?: string | null;
}

export interface WriteCounts {
	inserted: number;
	updated: number;
	unchanged: number;
}

// One statement per batch keeps each parameter array well under PostgreSQL's 1 GB message limit while
// amortising the round trip; 10,000 rows measured fastest among 1k/5k/10k/50k in `npm run bench`.
const batchSize = 10_000;

/**
 * Writes samples of one series: a new (series, ts) is inserted, an existing one is updated only when its
 * value, provenance or note differ, so writing the same samples twice changes nothing. Call it inside a
 * transaction when several batches must land together.
 */
export async function upsertSamples(
	db: Db,
	seriesId: number,
	provenance: Provenance,
	rows: readonly SampleInput[]
): Promise<WriteCounts> {
	const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0 };
	for (let start = 0; start < rows.length; start += batchSize) {
		const batch = rows.slice(start, start + batchSize);
		const [row] = await queryRows<{ inserted: number; updated: number }>(
			db,
			sql`with written as (
				insert into samples (series_id, ts, value, provenance, note)
				select ${seriesId}::int, t.ts, t.value, ${provenance}::text, t.note
				from unnest(
					${sql.param(batch.map((r) => r.ts.toISOString()))}::timestamptz[],
					${sql.param(batch.map((r) => r.value))}::float8[],
					${sql.param(batch.map((r) => r.note ?? null))}::text[]
				) as t(ts, value, note)
				on conflict (series_id, ts) do update
					set value = excluded.value, provenance = excluded.provenance, note = excluded.note
					where (samples.value, samples.provenance, samples.note)
						is distinct from (excluded.value, excluded.provenance, excluded.note)
				returning (xmax = 0) as is_insert
			)
			select (count(*) filter (where is_insert))::int as inserted,
				(count(*) filter (where not is_insert))::int as updated
			from written`
		);
		counts.inserted += row?.inserted ?? 0;
		counts.updated += row?.updated ?? 0;
	}
	counts.unchanged = rows.length - counts.inserted - counts.updated;
	return counts;
}
