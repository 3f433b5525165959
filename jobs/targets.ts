import { formatTargetRef, type TargetRef } from '../src/lib/refs.js';
import type { Config } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import { deleteTarget, getTargetActivity, setTargetActive } from '../src/lib/server/db/queries/collection-targets.js';
import { upsertTarget } from '../src/lib/server/db/queries/targets.js';
import type { AddTargetResult } from '../src/lib/types/targets.js';
import { getTargetChecker } from './registry.js';

/**
 * Adds a target after checking it against its source: the source's checking collector runs at once
 * for this target alone, and only a target that answered is kept (a target the source does not know
 * is removed again and reported). Adding a tracked target changes nothing; adding a removed (inactive)
 * one tracks it again. A check cut short because the process is stopping keeps nothing.
 */
export async function addTarget(db: Db, config: Config, ref: TargetRef, signal?: AbortSignal): Promise<AddTargetResult> {
	const target = formatTargetRef(ref);
	const checker = getTargetChecker(ref.source);
	if (!checker) return { outcome: 'unsupported', target, message: `targets of source ${ref.source} cannot be added yet` };
	const existing = await getTargetActivity(db, ref);
	if (existing?.isActive) return { outcome: 'exists', target };
	if (existing) await setTargetActive(db, existing.id, true);
	else await upsertTarget(db, { ...ref, displayName: ref.key });
	const report = await checker.run(db, config, { onlyKey: ref.key, signal });
	const failure = report.failures[0];
	if (!failure && report.status !== 'interrupted') return { outcome: 'added', target };
	if (!existing) await deleteTarget(db, ref);
	else await setTargetActive(db, existing.id, false);
	if (!failure) return { outcome: 'unavailable', target, message: `could not check ${target}: Dockpulse is stopping; try again once it is back` };
	return failure.kind === 'notFound'
		? { outcome: 'notFound', target, message: `${ref.source} does not know ${ref.key}: ${failure.message}` }
		: { outcome: 'unavailable', target, message: `could not check ${target} with ${ref.source} (${failure.kind}): ${failure.message}` };
}

/** Removes a target with its series and samples. */
export function removeTarget(db: Db, ref: TargetRef): Promise<boolean> {
	return deleteTarget(db, ref);
}
