import type { Db } from '../../src/lib/server/db/client.js';
import { lockTargetForWrite } from '../../src/lib/server/db/queries/collection-targets.js';
import { upsertSeries } from '../../src/lib/server/db/queries/targets.js';
import { getMetricInfo } from '../../src/lib/server/metrics/catalog.js';
import type { Observation } from '../observations.js';

/**
 * Sets a series' note before its samples are written, in the target's lock (a removed target gets
 * nothing): what a collected count stands for when that is less than its name says (a search count
 * capped at 10,000, release downloads as a proxy for installs).
 */
export async function noteSeries(db: Db, target: Observation['target'], metric: string, note: string): Promise<void> {
	await db.transaction(async (tx) => {
		const targetId = await lockTargetForWrite(tx, target);
		if (targetId !== undefined) await upsertSeries(tx, targetId, { metric, ...getMetricInfo(metric), note });
	});
}
