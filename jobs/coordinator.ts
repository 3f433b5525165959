import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { RunCoordinator } from 'node-cron';
import { queryRows, type Db } from '../src/lib/server/db/client.js';

/**
 * node-cron's RunCoordinator on a lease row per job (job_leases). node-cron asks before each tick with
 * the key `<job name>:<tick time>`; this instance runs the tick only if it claims the lease, which
 * succeeds when the tick is newer than the last claimed one and the last run has finished or its lease
 * ran out. onComplete ends the lease at once.
 */
export function createLeaseCoordinator(db: Db, holder: string = randomUUID()): RunCoordinator {
	const parseKey = (key: string) => {
		const colon = key.indexOf(':');
		return { job: key.slice(0, colon), slot: key.slice(colon + 1) };
	};
	return {
		async shouldRun(key, ttlMs) {
			const { job, slot } = parseKey(key);
			const rows = await queryRows<{ job: string }>(
				db,
				sql`insert into job_leases (job, slot, holder, expires_at)
					values (${job}, ${slot}::timestamptz, ${holder}, now() + make_interval(secs => ${ttlMs / 1000}))
					on conflict (job) do update
						set slot = excluded.slot, holder = excluded.holder, expires_at = excluded.expires_at
						where job_leases.slot < excluded.slot and job_leases.expires_at <= now()
					returning job`
			);
			return rows.length === 1;
		},
		async onComplete(key) {
			const { job } = parseKey(key);
			await db.execute(sql`update job_leases set expires_at = now() where job = ${job} and holder = ${holder}`);
		}
	};
}
