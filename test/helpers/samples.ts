import type { Db } from '../../src/lib/server/db/client.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import type { Provenance } from '../../src/lib/server/db/schema/index.js';

/** Creates github:<key>:<metric> with the given [iso, value] samples; returns the series id. */
export async function seedSeries(
	db: Db,
	key: string,
	metric: string,
	samples: [string, number][],
	provenance: Provenance = 'observed'
): Promise<number> {
	const targetId = await upsertTarget(db, { source: 'github', key, displayName: key });
	const seriesId = await upsertSeries(db, targetId, { metric, unit: metric, kind: 'counter' });
	await upsertSamples(db, seriesId, provenance, samples.map(([iso, value]) => ({ ts: new Date(iso), value })));
	return seriesId;
}
