import type { RunCoordinator } from 'node-cron';
import type { Db } from '../src/lib/server/db/client.js';
import { listLeaseSlots } from '../src/lib/server/db/queries/leases.js';
import { getScheduleIntervalMs } from './cron-interval.js';

/**
 * Runs, once at start, each job whose last tick is older than its interval: a new store's first
 * collection then comes within a minute of `npm start` instead of at the next hourly tick, and a
 * server that was down catches up on the day it missed. Docker Hub keeps no history, so an hour not
 * polled is an hour lost for good.
 *
 * The catch-up tick goes through the same lease coordinator as the scheduled ones, with the slot
 * rounded down to the job's interval: several instances starting together compute the same slot and
 * one of them runs it; the next scheduled tick is later than the slot, so it runs as usual.
 */

export interface CatchUpJob {
	name: string;
	cron: string;
	/** `slot`: the tick caught up on, the same in every instance starting at once. */
	run(slot: Date): Promise<void>;
}

/** The jobs that missed a tick, as of `nowMs`. */
export async function listMissedJobs<J extends CatchUpJob>(db: Db, jobs: readonly J[], nowMs: number): Promise<{ job: J; slot: Date }[]> {
	const lastSlots = await listLeaseSlots(db);
	return jobs.flatMap((job) => {
		const intervalMs = getScheduleIntervalMs(job.cron);
		const last = lastSlots.get(job.name);
		if (last !== undefined && nowMs - last < intervalMs) return [];
		return [{ job, slot: new Date(Math.floor(nowMs / intervalMs) * intervalMs) }];
	});
}

/** Starts the missed jobs that this instance wins the lease for; resolves when they have finished. */
export async function runMissedJobs(db: Db, jobs: readonly CatchUpJob[], coordinator: RunCoordinator, leaseMs: number, nowMs = Date.now()): Promise<string[]> {
	const missed = await listMissedJobs(db, jobs, nowMs);
	const ran: string[] = [];
	await Promise.all(
		missed.map(async ({ job, slot }) => {
			const key = `${job.name}:${slot.toISOString()}`;
			if (!(await coordinator.shouldRun(key, leaseMs))) return;
			ran.push(job.name);
			try {
				await job.run(slot);
			} finally {
				await coordinator.onComplete?.(key);
			}
		})
	);
	return ran;
}
