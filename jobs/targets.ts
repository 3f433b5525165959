import { formatTargetRef, type TargetRef } from '../src/lib/refs.js';
import type { Config } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import {
	deleteTarget,
	excludeFromListing,
	getTargetActivity,
	includeInListing,
	setTargetActive
} from '../src/lib/server/db/queries/collection-targets.js';
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
	const parent = getListingParent(ref);
	if (parent) await includeInListing(db, parent, ref.key);
	if (existing) await setTargetActive(db, existing.id, true);
	else await upsertTarget(db, { ...ref, displayName: ref.key });
	const report = await checker.run(db, config, { onlyKey: ref.key, signal });
	const failure = report.failures[0];
	const isWaiting = report.targetsWaiting?.includes(ref.key) ?? false;
	if (!failure && !isWaiting && report.status !== 'interrupted') return { outcome: 'added', target };
	if (!existing) await deleteTarget(db, ref);
	else await setTargetActive(db, existing.id, false);
	if (isWaiting) return { outcome: 'unavailable', target, message: `could not check ${target}: ${ref.source}'s request budget is spent (without a token, GitHub allows 60 requests an hour); try again later` };
	if (!failure) return { outcome: 'unavailable', target, message: `could not check ${target}: Dockpulse is stopping; try again once it is back` };
	return failure.kind === 'notFound'
		? { outcome: 'notFound', target, message: `${ref.source} does not know ${ref.key}: ${failure.message}` }
		: { outcome: 'unavailable', target, message: `could not check ${target} with ${ref.source} (${failure.kind}): ${failure.message}` };
}

/** The target whose listing adds this one by itself: a Docker Hub image's namespace. */
function getListingParent(ref: TargetRef): TargetRef | undefined {
	const slash = ref.key.indexOf('/');
	return ref.source === 'dockerhub' && slash > 0 ? { source: 'dockerhub', key: ref.key.slice(0, slash) } : undefined;
}

/**
 * Removes a target with its series and samples, for good: a collection in flight writes nothing for
 * it (its write finds the row gone), and a namespace's listing does not add the image again (the
 * namespace keeps the key as removed, until the image is added back). One transaction; the parent's
 * row is locked before the target's, in the order the listing's write takes them.
 */
export function removeTarget(db: Db, ref: TargetRef): Promise<boolean> {
	return db.transaction(async (tx) => {
		const parent = getListingParent(ref);
		if (parent) await excludeFromListing(tx, parent, ref.key);
		return deleteTarget(tx, ref);
	});
}
