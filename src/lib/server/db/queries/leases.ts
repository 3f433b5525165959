import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';

/** The job_leases rows the scheduler claims, one per job, so that one instance runs each tick. */

export interface LeaseClaim {
	job: string;
	/** The tick, as node-cron names it (an ISO instant). */
	slot: string;
	holder: string;
	ttlMs: number;
}

/**
 * Claims a job's tick: succeeds when the tick is newer than the last claimed one and the last run has
 * finished or its lease ran out. True when this holder won.
 */
export async function claimLease(db: Db, claim: LeaseClaim): Promise<boolean> {
	const rows = await queryRows<{ job: string }>(
		db,
		sql`insert into job_leases (job, slot, holder, expires_at)
			values (${claim.job}, ${claim.slot}::timestamptz, ${claim.holder}, now() + make_interval(secs => ${claim.ttlMs / 1000}))
			on conflict (job) do update
				set slot = excluded.slot, holder = excluded.holder, expires_at = excluded.expires_at
				where job_leases.slot < excluded.slot and job_leases.expires_at <= now()
			returning job`
	);
	return rows.length === 1;
}

/** Ends this holder's lease on a job at once (its run finished). */
export async function endLease(db: Db, job: string, holder: string): Promise<void> {
	await db.execute(sql`update job_leases set expires_at = now() where job = ${job} and holder = ${holder}`);
}

/** The last claimed tick of every job, in epoch milliseconds. */
export async function listLeaseSlots(db: Db): Promise<Map<string, number>> {
	const rows = await queryRows<{ job: string; slot_ms: number }>(
		db,
		sql`select job, (extract(epoch from slot) * 1000)::float8 as slot_ms from job_leases`
	);
	return new Map(rows.map((r) => [r.job, Number(r.slot_ms)]));
}

export interface LeaseHolder {
	job: string;
	holder: string;
}

/** The leases that have not run out, and who holds them: the instances running a job now (or that did until they ended). */
export function listLeaseHolders(db: Db): Promise<LeaseHolder[]> {
	return queryRows<LeaseHolder>(db, sql`select job, holder from job_leases where expires_at > now() order by job`);
}

/** Ends these leases at once, each only while the same holder still has it (as endLease does). */
export async function endLeases(db: Db, leases: readonly LeaseHolder[]): Promise<void> {
	if (leases.length === 0) return;
	await db.execute(sql`update job_leases l set expires_at = now()
		from unnest(${sql.param(leases.map((l) => l.job))}::text[], ${sql.param(leases.map((l) => l.holder))}::text[]) as ended(job, holder)
		where l.job = ended.job and l.holder = ended.holder and l.expires_at > now()`);
}
