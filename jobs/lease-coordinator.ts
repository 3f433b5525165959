import { randomBytes } from 'node:crypto';
import type { RunCoordinator } from 'node-cron';
import type { Db } from '../src/lib/server/db/client.js';
import { formatProcessOwner, readOwnOwner } from '../src/lib/server/db/process-identity.js';
import { claimLease, endLease } from '../src/lib/server/db/queries/leases.js';

/**
 * node-cron's RunCoordinator on a lease row per job (job_leases). node-cron asks before each tick with
 * the key `<job name>:<tick time>`; this instance runs the tick only if it claims the lease, which
 * succeeds when the tick is newer than the last claimed one and the last run has finished or its lease
 * ran out. onComplete ends the lease at once.
 *
 * Jobs in `sharedJobs` run every tick in every instance: the collection_batches of the tick, not the
 * lease, divide their work (jobs/collectors/shared-tick.ts).
 *
 * The holder names this process (a ProcessOwner, with an instance id of its own: tests run several
 * schedulers in one process), so that the next start after a crash ends its leases (crash-repair.ts)
 * instead of leaving its jobs blocked until the leases run out.
 */
export function createLeaseCoordinator(
	db: Db,
	holder = formatProcessOwner({ ...readOwnOwner(), instance: randomBytes(6).toString('hex') }),
	sharedJobs: ReadonlySet<string> = new Set()
): RunCoordinator {
	const parseKey = (key: string) => {
		const colon = key.indexOf(':');
		return { job: key.slice(0, colon), slot: key.slice(colon + 1) };
	};
	return {
		async shouldRun(key, ttlMs) {
			const { job, slot } = parseKey(key);
			const isClaimed = await claimLease(db, { job, slot, holder, ttlMs });
			// A shared job's tick runs in every instance (its batches keep the work from being done
			// twice); the lease still records the tick, which catch-up reads.
			return isClaimed || sharedJobs.has(job);
		},
		async onComplete(key) {
			await endLease(db, parseKey(key).job, holder);
		}
	};
}
