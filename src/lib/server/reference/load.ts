import type { Db } from '../db/client.js';
import { upsertSamples, type WriteCounts } from '../db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../db/queries/targets.js';
import { monthEndStamp, parseIsoInstant } from '../time.js';
import { referenceSeries } from './figures.js';
import { mobyCumulativeAuthors, mobyGitLogNote } from './moby-contributors.js';

function addCounts(total: WriteCounts, more: WriteCounts) {
	total.inserted += more.inserted;
	total.updated += more.updated;
	total.unchanged += more.unchanged;
	total.keptObserved += more.keptObserved;
}

/**
 * Writes the reference dataset (published figures, provenance reference, each with its citation) and
 * the measured moby/moby contributor history beside it. Runs at every start: upserts make a second run
 * change nothing, and a corrected figure in figures.ts reaches existing stores.
 */
export async function loadReferenceDataset(db: Db): Promise<WriteCounts> {
	return db.transaction(async (tx) => {
		const total: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, keptObserved: 0 };
		for (const s of referenceSeries) {
			const targetId = await upsertTarget(tx, { source: 'reference', key: s.key, displayName: s.targetName });
			const seriesId = await upsertSeries(tx, targetId, { metric: s.metric, unit: s.unit, kind: 'counter', note: s.note });
			const samples = s.figures.map((f) => ({ ts: parseIsoInstant(f.date)!, value: f.value, note: f.citation }));
			addCounts(total, await upsertSamples(tx, seriesId, 'reference', samples));
		}
		const mobyTargetId = await upsertTarget(tx, {
			source: 'import',
			key: 'moby-git-log',
			displayName: 'moby/moby git log (measured)'
		});
		const mobySeriesId = await upsertSeries(tx, mobyTargetId, {
			metric: 'contributors',
			unit: 'contributors',
			kind: 'counter',
			note: mobyGitLogNote
		});
		const mobySamples = mobyCumulativeAuthors.map(([month, value]) => ({ ts: monthEndStamp(month), value }));
		addCounts(total, await upsertSamples(tx, mobySeriesId, 'imported', mobySamples));
		return total;
	});
}
