import { formatSeriesRef, formatTargetRef } from '../../refs.js';
import type { TargetView } from '../../types/targets.js';
import type { Db } from '../db/client.js';
import { listLatestValues } from '../db/queries/latest.js';

/** Every target with its series and each series' latest sample, as /api/targets and the dashboard list them. */
export async function listTargetViews(db: Db): Promise<TargetView[]> {
	const views = new Map<string, TargetView>();
	for (const row of await listLatestValues(db)) {
		const ref = formatTargetRef(row);
		let view = views.get(ref);
		if (!view) {
			view = {
				target: ref,
				source: row.source,
				key: row.key,
				displayName: row.display_name,
				addedAt: new Date(Number(row.added_ms)).toISOString(),
				isActive: row.is_active,
				status: row.status,
				statusMessage: row.status_message,
				lastCollectedAt: row.collected_ms === null ? null : new Date(Number(row.collected_ms)).toISOString(),
				removedFromListing: row.removed_listed ?? [],
				series: []
			};
			views.set(ref, view);
		}
		if (row.metric === null) continue;
		view.series.push({
			series: formatSeriesRef({ source: row.source, key: row.key, metric: row.metric }),
			metric: row.metric,
			unit: row.unit!,
			kind: row.kind!,
			latest:
				row.latest_ms === null
					? null
					: {
							ts: new Date(Number(row.latest_ms)).toISOString(),
							value: Number(row.latest_value),
							provenance: row.latest_provenance!
						}
		});
	}
	return [...views.values()];
}
