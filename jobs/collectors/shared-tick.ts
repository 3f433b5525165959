import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Db } from '../../src/lib/server/db/client.js';
import { formatProcessOwner, isOwnerGone, parseProcessOwner, readOwnOwner } from '../../src/lib/server/db/process-identity.js';
import {
	claimBatch,
	countOpenBatches,
	createTickBatches,
	deleteBatchesBefore,
	endBatchClaim,
	listBatchClaimers,
	releaseBatchesOf,
	renewBatchClaim,
	type ClaimedBatch,
	type TickRef
} from '../../src/lib/server/db/queries/batches.js';
import { log } from '../../src/lib/server/telemetry/log.js';

/**
 * A collection tick shared by every process that runs it (collection_batches): the first one to see
 * the tick plans its batches, then each claims batches until none is left. A worker that finds the
 * rest claimed by others waits for them, so that it can take over the batch of one that dies: at once
 * when the claimer was a process of this host that has ended, otherwise when its lease runs out.
 */

/**
 * A claim lasts this long and is renewed every third of it while its batch runs: only a process that
 * stopped (killed, frozen, cut off from the database) loses its batch, after at most this long.
 */
export const batchLeaseMs = 5 * 60_000;
/** How often a worker with nothing to claim looks again while others finish the tick's batches. */
export const batchPollMs = 1_000;
/** A batch whose run threw this many times is left failed instead of being claimed again. */
export const maxBatchAttempts = 3;
/** Batches of older ticks are deleted when a new tick is planned. */
const keepTicksMs = 7 * 24 * 3600_000;

/**
 * Packs groups of target ids (a group stays together: a Docker Hub namespace with its images) into
 * batches of about `batchSize` targets, in order; a group larger than that is a batch of its own.
 */
export function planBatches(groups: readonly (readonly number[])[], batchSize: number): number[][] {
	const batches: number[][] = [];
	let current: number[] = [];
	for (const group of groups) {
		if (current.length > 0 && current.length + group.length > batchSize) {
			batches.push(current);
			current = [];
		}
		current.push(...group);
	}
	if (current.length > 0) batches.push(current);
	return batches;
}

export interface SharedTickOptions {
	tick: TickRef;
	/** The tick's sample time, used if this process is the one that plans it. */
	observedAt: Date;
	signal?: AbortSignal;
	/** The tick's batches of target ids, as this process would plan them (kept only if it is the first). */
	plan(): Promise<number[][]>;
}

export interface SharedTick {
	/** The next batch for this process, waiting while others hold the rest; undefined when the tick is done (or stopping). */
	claimNext(): Promise<ClaimedBatch | undefined>;
	/**
	 * Runs a claimed batch under a renewed lease and ends the claim by how `work` ended; `work` answers
	 * whether it reached every target of the batch.
	 */
	runBatch(batch: ClaimedBatch, work: () => Promise<boolean>): Promise<void>;
}

/** Plans the tick if nobody has yet and returns what claims its batches for this run. */
export async function joinSharedTick(db: Db, options: SharedTickOptions): Promise<SharedTick> {
	const { tick, signal } = options;
	// One claimer per run, as the lease coordinator names its holder: the process, and an instance of its own.
	const claimer = formatProcessOwner({ ...readOwnOwner(), instance: randomBytes(6).toString('hex') });
	await deleteBatchesBefore(db, tick.job, new Date(tick.slot.getTime() - keepTicksMs));
	const batches = await options.plan();
	// A tick without targets still gets one (empty) batch: one worker then records the tick's run, which
	// the health page counts as the collector having run.
	await createTickBatches(db, tick, options.observedAt, batches.length > 0 ? batches : [[]]);
	return {
		async claimNext() {
			for (;;) {
				if (signal?.aborted) return undefined;
				await releaseBatchesOfEndedProcesses(db, tick.job);
				const batch = await claimBatch(db, tick, claimer, batchLeaseMs);
				if (batch) return batch;
				// Nothing left but batches this run holds itself (the one it still runs beside the next): nothing to wait for.
				if ((await countOpenBatches(db, tick, claimer)) === 0) return undefined;
				// An abort ends the wait early; the loop then sees it and returns.
				await delay(batchPollMs, undefined, { signal }).catch(() => undefined);
			}
		},
		runBatch: (batch, work) => runClaimedBatch(db, batch, claimer, work, signal)
	};
}

async function runClaimedBatch(db: Db, batch: ClaimedBatch, claimer: string, work: () => Promise<boolean>, signal?: AbortSignal): Promise<void> {
	const renewal = setInterval(() => {
		// A missed renewal is retried at the next one; the lease outlasts two of them.
		renewBatchClaim(db, batch.id, claimer, batchLeaseMs).catch((error: Error) => log.warn({ err: error, batch: batch.id }, 'renewing a batch claim failed'));
	}, batchLeaseMs / 3);
	// The renewal stops before the claim is ended, whichever way the work went.
	const outcome = await work().then((isComplete) => ({ isComplete }), (error: unknown) => ({ error }));
	clearInterval(renewal);
	if ('error' in outcome) {
		const isLastAttempt = batch.attempts >= maxBatchAttempts && !signal?.aborted;
		await endBatchClaim(db, batch.id, claimer, isLastAttempt ? 'failed' : 'pending', (outcome.error as Error).message);
		throw outcome.error;
	}
	const { isComplete } = outcome;
	// A stopping process leaves what it did not reach to the next claimer (the rewrite of what it did is
	// the same upsert); a batch it finished before the stop is done.
	await endBatchClaim(db, batch.id, claimer, signal?.aborted && !isComplete ? 'pending' : 'done');
}

/** Gives back at once the batches of claimers on this host whose process has ended (kill -9, OOM kill). */
export async function releaseBatchesOfEndedProcesses(db: Db, job?: string): Promise<string[]> {
	const gone = (await listBatchClaimers(db, job)).filter((claimer) => isOwnerGone(parseProcessOwner(claimer)));
	await releaseBatchesOf(db, gone);
	return gone;
}
