import type { Database, Db } from './db/client.js';
import { isOwnerGone, parseProcessOwner } from './db/process-identity.js';
import { listBatchClaimers, releaseBatchesOf } from './db/queries/batches.js';
import { endLeases, listLeaseHolders } from './db/queries/leases.js';
import { failOpenRuns, listOpenRuns, type OpenRun } from './db/queries/runs.js';
import type { RunFailure } from './db/schema/index.js';

/**
 * What a process killed without warning (kill -9, an OOM kill, a power cut) leaves behind, and how
 * the next start puts it right. Its writes need nothing: every batch (a target's samples, an import,
 * a backfill page with its progress) is one transaction, which the database rolls back. What stays is
 * the bookkeeping around them: its runs still marked running, its scheduler leases, which would
 * keep those jobs from running again for up to two hours, and its claims on batches of a shared tick. Both name their process (ProcessOwner), and
 * a process on this host that no longer runs cannot finish them.
 */

export const crashedRunFailure: RunFailure = {
	target: '*',
	kind: 'crashed',
	message: 'the process that ran it ended without closing it: crash or kill'
};

export interface CrashRepair {
	/** The runs closed as failed. */
	runs: OpenRun[];
	/** The jobs whose leases were ended. */
	leaseJobs: string[];
	/** Batches of shared ticks given back to pending (collection_batches), for the workers still in the tick. */
	batchesReleased: number;
}

/**
 * At a process's start: closes as failed the runs whose process has ended, and ends its leases. On
 * the embedded store the lock makes this process the only one, so whatever is still open was left by
 * an earlier one, wherever it ran (a container recreated under another host name, a copied folder).
 * On PostgreSQL only the processes of this host can be judged; those of other hosts are left alone
 * (their runs are closed after two hours, abandonedRunMs in jobs/collectors/run.ts).
 */
export async function repairAfterCrash(database: Database): Promise<CrashRepair> {
	const isSoleProcess = database.kind === 'pglite';
	const isGone = (owner: string | null) => isSoleProcess || isOwnerGone(parseProcessOwner(owner));
	const runs = (await listOpenRuns(database.db)).filter((run) => isGone(run.owner));
	await failOpenRuns(database.db, runs.map((run) => run.id), crashedRunFailure);
	const leases = (await listLeaseHolders(database.db)).filter((lease) => isGone(lease.holder));
	await endLeases(database.db, leases);
	const claimers = (await listBatchClaimers(database.db)).filter(isGone);
	const batchesReleased = await releaseBatchesOf(database.db, claimers);
	return { runs, leaseJobs: leases.map((lease) => lease.job), batchesReleased };
}

/**
 * Before a collector's run: its runs left open by a process of this host that has ended, including
 * one that ended after this process started (an `npm run collect` killed beside the server, say).
 */
export async function failRunsOfEndedProcesses(db: Db, collector: string): Promise<void> {
	const runs = (await listOpenRuns(db, collector)).filter((run) => isOwnerGone(parseProcessOwner(run.owner)));
	await failOpenRuns(db, runs.map((run) => run.id), crashedRunFailure);
}

/** One line for the log, or undefined when there was nothing to repair. */
export function describeCrashRepair(repair: CrashRepair): string | undefined {
	if (repair.runs.length === 0 && repair.leaseJobs.length === 0 && repair.batchesReleased === 0) return undefined;
	const runs = repair.runs.map((run) => `${run.collector} #${run.id}`).join(', ') || 'none';
	const leases = repair.leaseJobs.join(', ') || 'none';
	const batches = repair.batchesReleased > 0 ? `; batches given back to other workers: ${repair.batchesReleased}` : '';
	return `left open by a process that ended (crash or kill): runs closed as failed: ${runs}; scheduler leases ended: ${leases}${batches}`;
}
