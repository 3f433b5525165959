import { formatTargetRef } from '../../src/lib/refs.js';
import type { Db } from '../../src/lib/server/db/client.js';
import { listTargetsOfSources } from '../../src/lib/server/db/queries/collection-targets.js';
import type { BackfillParts, BackfillProgress, BackfillStatus } from '../../src/lib/types/health.js';
import { collectors } from '../registry.js';

/** The backfill table of the health page, from the registered backfills that keep progress on targets. */

const progressReaders = collectors.flatMap((entry) => (entry.readBackfillProgress ? [entry] : []));

/** A target's backfill parts from its metadata; a part no backfill has saved (or saved malformed) is null. */
export function parseBackfillProgress(metadata: unknown): BackfillParts {
	const record = metadata !== null && typeof metadata === 'object' ? (metadata as Record<string, unknown>) : {};
	const parts: BackfillParts = { stars: null, starsUnavailable: null, releases: null, contributors: null, lastProgressAt: null };
	for (const entry of progressReaders) Object.assign(parts, entry.readBackfillProgress!(record));
	return parts;
}

/** The backfill of a target as one word for the health page (see BackfillStatus). */
export function decideBackfillStatus(parts: BackfillParts): BackfillStatus {
	const started = [parts.stars, parts.releases, parts.contributors].filter((part) => part !== null);
	if (started.length === 0) return 'not started';
	const isStarsSettled = parts.stars === null || parts.stars.isDone || parts.starsUnavailable !== null;
	const isRestDone = [parts.releases, parts.contributors].every((part) => part === null || part.isDone);
	if (!isStarsSettled || !isRestDone) return 'running';
	return parts.starsUnavailable !== null ? 'unavailable' : 'done';
}

/** Every target of a source with such a backfill (today GitHub repositories), by source and key. */
export async function listBackfillProgress(db: Db): Promise<BackfillProgress[]> {
	const sources = [...new Set(progressReaders.map((entry) => entry.source))];
	const rows = await listTargetsOfSources(db, sources);
	return rows.map((row) => {
		const parts = parseBackfillProgress(row.metadata);
		return { target: formatTargetRef({ source: row.source, key: row.key }), displayName: row.displayName, ...parts, status: decideBackfillStatus(parts) };
	});
}
