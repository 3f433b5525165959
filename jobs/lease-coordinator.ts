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
 * The holder names this process (a ProcessOwner, with an instance id of its own: tests run several
 * schedulers in one process), so that the next start after a crash ends its leases (crash-repair.ts)
 * instead of leaving its jobs blocked until the leases run out.
 */
export function createLeaseCoordinator(db: Db, holder = formatProcessOwner({ ...readOwnOwner(), instance: randomBytes(6).toString('hex') })): RunCoordinator {
	const parseKey = (key: string) => {
		const colon = key.indexOf(':');
		return { job: key.slice(0, colon), slot: key.slice(colon + 1) };
	};
	return {
		async shouldRun(key, ttlMs) {
			const { job, slot } = parseKey(key);
			return claimLease(db, { job, slot, holder, ttlMs });
		},
		async onComplete(key) {
			await endLease(db, parseKey(key).job, holder);
		}
	};
}
