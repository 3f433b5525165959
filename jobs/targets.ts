import { and, eq } from 'drizzle-orm';
import { formatTargetRef, type TargetRef } from '../src/lib/refs.js';
import type { Config } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import { upsertTarget } from '../src/lib/server/db/queries/targets.js';
import { targets } from '../src/lib/server/db/schema/index.js';
import { collectDockerHub } from './collectors/dockerhub/collect.js';
import { collectEcosystem } from './collectors/ecosystem/collect.js';
import { collectGithub } from './collectors/github/collect.js';
import type { RunReport } from './collectors/run.js';
import type { AddTargetResult, TargetActions } from '../src/lib/types/targets.js';

/** The collectors a new target can be checked and sampled with, by source. */
const collectorsBySource: Record<string, (db: Db, config: Config, options: { onlyKey: string }) => Promise<RunReport>> = {
	dockerhub: collectDockerHub,
	github: collectGithub,
	ecosystem: collectEcosystem
};


async function deleteTarget(db: Db, ref: TargetRef): Promise<boolean> {
	const deleted = await db
		.delete(targets)
		.where(and(eq(targets.source, ref.source), eq(targets.key, ref.key)))
		.returning({ id: targets.id });
	return deleted.length > 0;
}

async function findTarget(db: Db, ref: TargetRef) {
	const [row] = await db
		.select({ id: targets.id, isActive: targets.isActive })
		.from(targets)
		.where(and(eq(targets.source, ref.source), eq(targets.key, ref.key)));
	return row;
}

/**
 * Adds a target after checking it against its source: the first collection runs at once, and only a
 * target that answered is kept (a target the source does not know is removed again and reported).
 * Adding a tracked target changes nothing; adding a removed (inactive) one tracks it again.
 */
export async function addTarget(db: Db, config: Config, ref: TargetRef): Promise<AddTargetResult> {
	const target = formatTargetRef(ref);
	const collect = collectorsBySource[ref.source];
	if (!collect) return { outcome: 'unsupported', target, message: `targets of source ${ref.source} cannot be added yet` };
	const existing = await findTarget(db, ref);
	if (existing?.isActive) return { outcome: 'exists', target };
	if (existing) await db.update(targets).set({ isActive: true }).where(eq(targets.id, existing.id));
	else await upsertTarget(db, { ...ref, displayName: ref.key });
	const report = await collect(db, config, { onlyKey: ref.key });
	const failure = report.failures[0];
	if (!failure) return { outcome: 'added', target };
	if (!existing) await deleteTarget(db, ref);
	else await db.update(targets).set({ isActive: false }).where(eq(targets.id, existing.id));
	return failure.kind === 'notFound'
		? { outcome: 'notFound', target, message: `${ref.source} does not know ${ref.key}: ${failure.message}` }
		: { outcome: 'unavailable', target, message: `could not check ${target} with ${ref.source} (${failure.kind}): ${failure.message}` };
}

/** Removes a target with its series and samples. */
export function removeTarget(db: Db, ref: TargetRef): Promise<boolean> {
	return deleteTarget(db, ref);
}

export function createTargetActions(db: Db, config: Config): TargetActions {
	return { add: (ref) => addTarget(db, config, ref), remove: (ref) => removeTarget(db, ref) };
}
