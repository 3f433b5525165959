import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordRun } from '../../jobs/collectors/run.js';
import { crashedRunFailure, repairAfterCrash } from '../../src/lib/server/crash-repair.js';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { formatProcessOwner, readOwnOwner, systemProbe, type ProcessOwner } from '../../src/lib/server/db/process-identity.js';
import { insertRun } from '../../src/lib/server/db/queries/runs.js';
import { testBackends } from '../helpers/databases.js';

/**
 * What a start repairs after a crash, on the database: runs and scheduler leases left by a process of
 * this host that has ended. On PostgreSQL, shared by several processes and hosts, only those; on the
 * embedded store, whose lock admits one process, everything left open. Real processes stand for the
 * owners (one that has ended, one that runs); crash-safety.test.ts kills the real commands.
 */

const self = readOwnOwner();

/** A process that has ended, as a record written while it ran would name it. */
async function startAndEndProcess(): Promise<ProcessOwner> {
	const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
	await new Promise((resolve) => child.once('spawn', resolve));
	const owner: ProcessOwner = { ...self, pid: child.pid!, startTicks: systemProbe.readStartTicks(child.pid!), instance: 'dead' };
	child.kill('SIGKILL');
	await new Promise((resolve) => child.once('exit', resolve));
	return owner;
}

let sleeper: ReturnType<typeof spawn>;
let liveOwner: ProcessOwner;
let deadOwner: ProcessOwner;
const otherHostOwner: ProcessOwner = { ...self, host: `not-${hostname()}`, instance: 'e1se' };

beforeAll(async () => {
	sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)']);
	await new Promise((resolve) => sleeper.once('spawn', resolve));
	liveOwner = { ...self, pid: sleeper.pid!, startTicks: systemProbe.readStartTicks(sleeper.pid!), instance: 'a11fe' };
	deadOwner = await startAndEndProcess();
});
afterAll(() => void sleeper.kill('SIGKILL'));

describe.each(testBackends)('repairing after a crash on $name', (backend) => {
	let database: Database;
	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());
	beforeEach(async () => {
		await database.db.execute(sql`delete from collection_runs`);
		await database.db.execute(sql`delete from job_leases`);
	});

	const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
	const addRun = (collector: string, owner: ProcessOwner | undefined, startedMinutesAgo = 1) =>
		insertRun(database.db, collector, minutesAgo(startedMinutesAgo), owner && formatProcessOwner(owner));
	const addLease = (job: string, holder: string) =>
		database.db.execute(sql`insert into job_leases (job, slot, holder, expires_at) values (${job}, now(), ${holder}, now() + interval '2 hours')`);
	const listRuns = () =>
		queryRows<{ id: number; status: string; failures: unknown[]; is_finished: boolean }>(
			database.db,
			sql`select id, status, failures, finished_at is not null as is_finished from collection_runs order by id`
		);
	const listOpenLeases = () => queryRows<{ job: string }>(database.db, sql`select job from job_leases where expires_at > now() order by job`);

	it('closes the runs and ends the leases of an ended process; on PostgreSQL leaves those of live processes and other hosts', async () => {
		const dead = await addRun('dockerhub', deadOwner);
		const live = await addRun('github', liveOwner);
		const elsewhere = await addRun('ecosystem', otherHostOwner);
		const unnamed = await addRun('github-backfill', undefined);
		await addLease('dockerhub', formatProcessOwner(deadOwner));
		await addLease('github', formatProcessOwner(liveOwner));
		await addLease('ecosystem', formatProcessOwner(otherHostOwner));
		await addLease('alerts', '3f0e6f4c-2d5b-4e57-9b1f-5d8f1f7d2c11');

		const repair = await repairAfterCrash(database);

		const closed = backend.name === 'pglite' ? [dead, live, elsewhere, unnamed] : [dead];
		expect(repair.runs.map((run) => run.id)).toEqual(closed);
		const runs = await listRuns();
		for (const run of runs) {
			if (closed.includes(run.id)) expect(run).toMatchObject({ status: 'failed', failures: [crashedRunFailure], is_finished: true });
			else expect(run).toMatchObject({ status: 'running', failures: [], is_finished: false });
		}
		const ended = backend.name === 'pglite' ? ['alerts', 'dockerhub', 'ecosystem', 'github'] : ['dockerhub'];
		expect([...repair.leaseJobs].sort()).toEqual(ended);
		expect((await listOpenLeases()).map((lease) => lease.job)).toEqual(['alerts', 'dockerhub', 'ecosystem', 'github'].filter((job) => !ended.includes(job)));
	});

	it('leaves finished runs and this process\'s own runs as they are', async () => {
		const own = await addRun('dockerhub', self);
		await database.db.execute(sql`update collection_runs set status = 'ok', finished_at = now() where id = ${own}`);
		const running = await addRun('github', self);
		const repair = await repairAfterCrash(database);
		// The embedded store is repaired before this process runs anything: an open run cannot be its own there.
		expect(repair.runs.map((run) => run.id)).toEqual(backend.name === 'pglite' ? [running] : []);
		expect((await listRuns())[0]).toMatchObject({ status: 'ok', failures: [] });
	});

	it('before a run, closes its collector\'s runs of ended processes at once, and those of other hosts after two hours', async () => {
		const dead = await addRun('dockerhub', deadOwner);
		const otherCollector = await addRun('github', deadOwner);
		const liveOld = await addRun('dockerhub', liveOwner, 180);
		const elsewhereOld = await addRun('dockerhub', otherHostOwner, 180);
		const elsewhereRecent = await addRun('dockerhub', otherHostOwner, 5);
		const unnamedOld = await addRun('dockerhub', undefined, 180);

		const report = await recordRun(database.db, 'dockerhub', {}, { requests: 0, rateBudgetLeft: undefined }, async () => {});

		const byId = new Map((await listRuns()).map((run) => [run.id, run]));
		expect(byId.get(dead)).toMatchObject({ status: 'failed', failures: [crashedRunFailure] });
		for (const id of [elsewhereOld, unnamedOld]) {
			expect(byId.get(id)).toMatchObject({ status: 'failed', failures: [{ target: '*', kind: 'crashed', message: expect.stringContaining('still running after 2 hours') }] });
		}
		// A live process of this host is judged by its process, not its age; another collector's runs wait for their own.
		for (const id of [liveOld, elsewhereRecent, otherCollector]) expect(byId.get(id)).toMatchObject({ status: 'running' });
		expect(byId.get(report.runId!)).toMatchObject({ status: 'ok' });
		const [owner] = await queryRows<{ owner: string }>(database.db, sql`select owner from collection_runs where id = ${report.runId}`);
		expect(owner!.owner).toBe(formatProcessOwner(self));
	});
});
