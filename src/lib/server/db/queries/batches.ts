import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../client.js';

/** The collection_batches rows that split a tick among workers (schema/batches.ts says how). */

export interface TickRef {
	job: string;
	slot: Date;
}

export interface ClaimedBatch {
	id: number;
	batchIndex: number;
	targetIds: number[];
	observedAt: Date;
	/** Claims so far, this one included. */
	attempts: number;
}

/**
 * Creates a tick's batches unless the tick has some already: the first process to see the tick writes
 * them all in one statement, and a later one adds nothing, even when targets were added meanwhile (its
 * plan would have more batches), so every worker claims from one plan. Two first ones at the same
 * instant read the same targets; the unique key keeps one row per batch index.
 */
export async function createTickBatches(db: Db, tick: TickRef, observedAt: Date, batches: readonly (readonly number[])[]): Promise<void> {
	if (batches.length === 0) return;
	// Target ids travel as one JSON document: a driver would send an array of arrays as ragged text.
	await db.execute(sql`insert into collection_batches (job, slot, batch_index, target_ids, observed_at)
		select ${tick.job}, ${tick.slot.toISOString()}::timestamptz, (b.ordinality - 1)::int,
			array(select jsonb_array_elements_text(b.ids)::int), ${observedAt.toISOString()}::timestamptz
		from jsonb_array_elements(${JSON.stringify(batches)}::jsonb) with ordinality as b(ids, ordinality)
		where not exists (select 1 from collection_batches where job = ${tick.job} and slot = ${tick.slot.toISOString()}::timestamptz)
		on conflict (job, slot, batch_index) do nothing`);
}

/**
 * Claims the tick's next batch that is pending, or claimed by a lease that ran out, for `leaseMs`.
 * SKIP LOCKED: workers claiming at once each get a different batch instead of waiting on one another.
 */
export async function claimBatch(db: Db, tick: TickRef, claimer: string, leaseMs: number): Promise<ClaimedBatch | undefined> {
	const [row] = await queryRows<{ id: number; batch_index: number; target_ids: number[]; observed_ms: number; attempts: number }>(
		db,
		sql`update collection_batches b
			set state = 'claimed', claimed_by = ${claimer}, claimed_until = now() + make_interval(secs => ${leaseMs / 1000}), attempts = b.attempts + 1
			where b.id = (
				select id from collection_batches
				where job = ${tick.job} and slot = ${tick.slot.toISOString()}::timestamptz
					and (state = 'pending' or (state = 'claimed' and claimed_until < now()))
				order by batch_index limit 1
				for update skip locked
			)
			returning b.id, b.batch_index, b.target_ids, (extract(epoch from b.observed_at) * 1000)::float8 as observed_ms, b.attempts`
	);
	if (!row) return undefined;
	return { id: row.id, batchIndex: row.batch_index, targetIds: row.target_ids.map(Number), observedAt: new Date(Number(row.observed_ms)), attempts: row.attempts };
}

/** Extends this claimer's lease on a batch it is still running; false when the claim is no longer its own. */
export async function renewBatchClaim(db: Db, batchId: number, claimer: string, leaseMs: number): Promise<boolean> {
	const rows = await queryRows<{ id: number }>(
		db,
		sql`update collection_batches set claimed_until = now() + make_interval(secs => ${leaseMs / 1000})
			where id = ${batchId} and claimed_by = ${claimer} and state = 'claimed' returning id`
	);
	return rows.length === 1;
}

/**
 * Ends this claimer's claim: `done` or `failed` for good (claimed_by then says who did it), `pending`
 * to leave the batch to the next claimer (a stopping process, a batch that threw). Only while the
 * claim is still its own.
 */
export async function endBatchClaim(db: Db, batchId: number, claimer: string, state: 'done' | 'failed' | 'pending', error?: string): Promise<void> {
	const isFinal = state !== 'pending';
	await db.execute(sql`update collection_batches
		set state = ${state}, claimed_by = ${isFinal ? claimer : null}, claimed_until = null,
			finished_at = ${isFinal ? sql`now()` : sql`null`}, last_error = ${error ?? null}
		where id = ${batchId} and claimed_by = ${claimer} and state = 'claimed'`);
}

/**
 * How many of the tick's batches are not finished yet (pending or claimed), leaving out those that
 * `exceptClaimer` holds: the batches a run is running itself are none it could wait to take over.
 */
export async function countOpenBatches(db: Db, tick: TickRef, exceptClaimer?: string): Promise<number> {
	const others = exceptClaimer === undefined ? sql`` : sql`and claimed_by is distinct from ${exceptClaimer}`;
	const [row] = await queryRows<{ n: number }>(
		db,
		sql`select count(*)::int as n from collection_batches
			where job = ${tick.job} and slot = ${tick.slot.toISOString()}::timestamptz and state in ('pending', 'claimed') ${others}`
	);
	return Number(row?.n ?? 0);
}

/** Who holds claims now (of one job, or all): crash repair judges each claimer's process. */
export async function listBatchClaimers(db: Db, job?: string): Promise<string[]> {
	const rows = await queryRows<{ claimed_by: string }>(
		db,
		sql`select distinct claimed_by from collection_batches
			where state = 'claimed' and claimed_by is not null ${job === undefined ? sql`` : sql`and job = ${job}`}`
	);
	return rows.map((row) => row.claimed_by);
}

/** Gives these claimers' batches back to pending at once (their processes have ended); how many. */
export async function releaseBatchesOf(db: Db, claimers: readonly string[]): Promise<number> {
	if (claimers.length === 0) return 0;
	const rows = await queryRows<{ id: number }>(
		db,
		sql`update collection_batches set state = 'pending', claimed_by = null, claimed_until = null
			where state = 'claimed' and claimed_by = any(${sql.param(claimers)}::text[]) returning id`
	);
	return rows.length;
}

/** Deletes a job's batches of ticks before `before`: the table keeps recent ticks only. */
export async function deleteBatchesBefore(db: Db, job: string, before: Date): Promise<void> {
	await db.execute(sql`delete from collection_batches where job = ${job} and slot < ${before.toISOString()}::timestamptz`);
}
