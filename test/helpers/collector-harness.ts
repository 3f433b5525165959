import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { loadConfig, type Config } from '../../src/lib/server/config.js';
import { queryRows, type Database, type Db } from '../../src/lib/server/db/client.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import type { TestBackend } from './databases.js';
import { ReplayServer, type ReplayAnswer } from './replay-server.js';

/**
 * What every collector test sets up: a migrated database of the file's own on one backend, a replay
 * server standing in for Docker Hub and GitHub (a new one per test), config that points both APIs at
 * it, an injected clock and sleep (no test really waits), and read-backs of what a run wrote.
 */

export interface HarnessSetup {
	/** The source whose targets the tests add and read back; they are deleted before each test. */
	source: 'dockerhub' | 'github' | 'ecosystem';
	/** The injected clock at the start of each test. */
	startAt: string;
	/** The file's settings on top of the replay server's URLs and fast retries (HTTP_RETRY_BASE_MS=1). */
	env?: Record<string, string>;
}

export interface StoredSample {
	metric: string;
	/** The sample's UTC day (YYYY-MM-DD) and hour. */
	day: string;
	hour: number;
	value: number;
	provenance: string;
	flags: string[];
	/** The series' note (how a reconstructed history was obtained). */
	note: string | null;
}

export interface StoredTarget {
	id: number;
	status: string;
	status_message: string | null;
	metadata: Record<string, unknown> & { backfill?: Record<string, unknown> };
}

export interface StoredRun {
	collector: string;
	status: string;
	requestsMade: number;
	rateBudgetLeft: number | null;
}

/** A recorded fixture under test/fixtures/, parsed. */
export function readFixture(path: string) {
	return JSON.parse(readFileSync(`test/fixtures/${path}`, 'utf8'));
}

/** A recorded exchange ({ status, headers, body }) as the replay server's answer. */
export function answerOf(path: string): ReplayAnswer {
	const { status, headers, body } = readFixture(path);
	return { status, headers, body };
}

export class CollectorHarness {
	private opened: Database | undefined;
	private started: ReplayServer | undefined;
	/** Every wait a collector asked for, in ms, in order; none of them really happens. */
	sleeps: number[] = [];
	/** The injected clock in ms since the epoch; a test moves it forward to play a later run. */
	clockMs = 0;

	constructor(private readonly setup: HarnessSetup) {}

	get database(): Database {
		if (!this.opened) throw new Error('the database opens in beforeAll');
		return this.opened;
	}

	get db(): Db {
		return this.database.db;
	}

	get replay(): ReplayServer {
		if (!this.started) throw new Error('the replay server starts in beforeEach');
		return this.started;
	}

	/** Config for this test: both APIs at the replay server, the file's settings, then env's. */
	config(env: Record<string, string> = {}): Config {
		const url = this.replay.url;
		return loadConfig({ DOCKERHUB_API_URL: url, GITHUB_API_URL: url, HTTP_RETRY_BASE_MS: '1', ...this.setup.env, ...env });
	}

	/** The injected clock and sleep, as every collector takes them. */
	options() {
		return { now: () => new Date(this.clockMs), sleep: async (ms: number) => void this.sleeps.push(ms) };
	}

	/** Stands in a new replay server, e.g. to drop the routes and requests of a first run. */
	async restartReplay(): Promise<ReplayServer> {
		const previous = this.started;
		this.started = await ReplayServer.start();
		await previous?.close();
		return this.started;
	}

	async addTarget(key: string): Promise<number> {
		return upsertTarget(this.db, { source: this.setup.source, key, displayName: key });
	}

	async addTargets(...keys: string[]): Promise<void> {
		for (const key of keys) await this.addTarget(key);
	}

	/** The samples of one target (of every metric, or one), oldest first. */
	listSamples(key: string, metric?: string): Promise<StoredSample[]> {
		return queryRows<StoredSample>(
			this.db,
			sql`select se.metric, to_char(s.ts at time zone 'UTC', 'YYYY-MM-DD') as day, extract(hour from s.ts at time zone 'UTC')::int as hour,
					s.value, s.provenance, s.flags, se.note
				from samples s join series se on se.id = s.series_id join targets t on t.id = se.target_id
				where t.source = ${this.setup.source} and t.key = ${key} ${metric === undefined ? sql`` : sql`and se.metric = ${metric}`}
				order by s.ts, se.metric`
		);
	}

	/** [metric, value] of each sample of one target, oldest first. */
	async listValues(key: string): Promise<[string, number][]> {
		return (await this.listSamples(key)).map((s) => [s.metric, s.value]);
	}

	/** [day, value] of each sample of one metric of one target, oldest first. */
	async listDailyValues(key: string, metric: string): Promise<[string, number][]> {
		return (await this.listSamples(key, metric)).map((s) => [s.day, s.value]);
	}

	/** How many samples the source's targets have. */
	async countSamples(): Promise<number> {
		const [row] = await queryRows<{ n: number }>(
			this.db,
			sql`select count(*)::int as n from samples s join series se on se.id = s.series_id join targets t on t.id = se.target_id
				where t.source = ${this.setup.source}`
		);
		return row!.n;
	}

	async getTarget(key: string): Promise<StoredTarget> {
		const [target] = await queryRows<StoredTarget>(
			this.db,
			sql`select id, status, status_message, metadata from targets where source = ${this.setup.source} and key = ${key}`
		);
		if (!target) throw new Error(`no target ${this.setup.source}:${key}`);
		return target;
	}

	/** Every recorded run, oldest first. */
	listRuns(): Promise<StoredRun[]> {
		return queryRows<StoredRun>(
			this.db,
			sql`select collector, status, requests_made as "requestsMade", rate_budget_left as "rateBudgetLeft" from collection_runs order by started_at, id`
		);
	}

	/** The run a report recorded (a report without one, of a worker that found its shared tick done, fails). */
	async getRun(runId: number | undefined): Promise<StoredRun> {
		if (runId === undefined) throw new Error('the report recorded no run');
		const [run] = await queryRows<StoredRun>(
			this.db,
			sql`select collector, status, requests_made as "requestsMade", rate_budget_left as "rateBudgetLeft" from collection_runs where id = ${runId}`
		);
		if (!run) throw new Error(`no run ${runId}`);
		return run;
	}

	/** Registers the file's hooks: the database per file; the replay server, clock and a clean slate per test. */
	register(backend: TestBackend): this {
		beforeAll(async () => {
			this.opened = await backend.open();
		});
		afterAll(() => this.opened?.close());
		beforeEach(async () => {
			this.started = await ReplayServer.start();
			this.sleeps = [];
			this.clockMs = Date.parse(this.setup.startAt);
			await this.db.execute(sql`delete from targets where source = ${this.setup.source}`);
			await this.db.execute(sql`delete from collection_runs`);
		});
		afterEach(() => this.started?.close());
		return this;
	}
}

/** A harness for the collector tests of one backend, its hooks registered in the calling describe. */
export function useCollectorHarness(backend: TestBackend, setup: HarnessSetup): CollectorHarness {
	return new CollectorHarness(setup).register(backend);
}
