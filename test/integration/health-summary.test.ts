import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveBackfillState } from '../../jobs/collectors/github/backfill/state.js';
import type { HistoryState } from '../../jobs/collectors/github/contributor-history.js';
import { loadConfig } from '../../src/lib/server/config.js';
import type { Database } from '../../src/lib/server/db/client.js';
import { finishRun, insertRun, type RunOutcome } from '../../src/lib/server/db/queries/runs.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { getHealthView } from '../../jobs/health/summary.js';
import { testBackends } from '../helpers/databases.js';

const now = new Date('2026-11-28T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const outcome = (status: RunOutcome['status'], failures: RunOutcome['failures'] = [], rateBudgetLeft?: number): RunOutcome => ({
	status,
	targetsDone: 2,
	targetsFailed: failures.length,
	failures,
	requestsMade: 7,
	rateBudgetLeft
});

describe.each(testBackends)('the health view on $name', (backend) => {
	let database: Database;
	const addRun = async (collector: string, startedHoursAgo: number, result: RunOutcome) => {
		const id = await insertRun(database.db, collector, hoursAgo(startedHoursAgo));
		await finishRun(database.db, id, new Date(hoursAgo(startedHoursAgo).getTime() + 30_000), result);
	};

	beforeAll(async () => {
		database = await backend.open();
		// Docker Hub (hourly) succeeded 1.5 h ago: not overdue. GitHub (hourly) last succeeded, partly,
		// 2.5 h ago and failed since: overdue at 2.5 h > 2 x 1 h.
		await addRun('dockerhub', 1.5, outcome('ok', [], 180));
		await addRun('github', 2.5, outcome('partial', [
			{ target: 'moby/moby', kind: 'timeout', message: 'no answer within 15000 ms' },
			{ target: 'nobody/nothing', kind: 'notFound', message: 'Could not resolve to a Repository' }
		], 4_321));
		await addRun('github', 1.5, outcome('failed', [{ target: 'moby/moby', kind: 'rateLimited', message: 'rate limit exceeded' }], 0));
		await addRun('github', 0.5, outcome('failed', [{ target: 'moby/moby', kind: 'rateLimited', message: 'rate limit exceeded' }], 0));

		const moby = await upsertTarget(database.db, { source: 'github', key: 'moby/moby', displayName: 'Moby' });
		await saveBackfillState(database.db, moby, { starsNextPage: 41, releasesNextPage: 5, isStarsDone: false, isReleasesDone: true }, hoursAgo(3));
		const history: HistoryState = { nextPage: 12, isDone: false, firstMonths: { 'login:a': '2013-01', 'login:b': '2013-02', 'email:c@x.org': '2014-05' } };
		await database.db.execute(sql`update targets set metadata = metadata || ${JSON.stringify({ contributorHistory: history })}::jsonb where id = ${moby}`);
		await upsertTarget(database.db, { source: 'github', key: 'docker/compose', displayName: 'Compose' });
		await upsertTarget(database.db, { source: 'dockerhub', key: 'library/nginx', displayName: 'nginx' });
	});
	afterAll(() => database?.close());

	it('warns about a collector with no success for longer than twice its schedule', async () => {
		const view = await getHealthView(database.db, loadConfig({}), now);
		expect(view.overdue.map((c) => [c.collector, c.cron, c.intervalMs, c.lastSuccessAt])).toEqual([
			['github', '5 * * * *', 3_600_000, '2026-11-28T09:30:30.000Z']
		]);
		const dockerhub = view.collectors.find((c) => c.collector === 'dockerhub')!;
		expect(dockerhub).toMatchObject({ isOverdue: false, recentRuns: [{ status: 'ok', requestsMade: 7, rateBudgetLeft: 180 }] });
		// Half an hour later the Docker Hub success is 2.5 h old: overdue too.
		const later = await getHealthView(database.db, loadConfig({}), new Date(now.getTime() + 3_600_000));
		expect(later.overdue.map((c) => c.collector)).toEqual(['dockerhub', 'github']);
	});

	it('counts the failures of recent runs by kind', async () => {
		const view = await getHealthView(database.db, loadConfig({}), now);
		const github = view.collectors.find((c) => c.collector === 'github')!;
		expect(github.recentRuns.map((r) => [r.status, r.rateBudgetLeft])).toEqual([['failed', 0], ['failed', 0], ['partial', 4_321]]);
		expect(github.failureCounts).toEqual([
			{ kind: 'rateLimited', count: 2, targets: ['moby/moby'] },
			{ kind: 'notFound', count: 1, targets: ['nobody/nothing'] },
			{ kind: 'timeout', count: 1, targets: ['moby/moby'] }
		]);
		expect(view.collectors.find((c) => c.collector === 'ecosystem')).toMatchObject({ recentRuns: [], failureCounts: [], isOverdue: false });
	});

	it('reads the backfill progress each GitHub repository saved in its metadata', async () => {
		const view = await getHealthView(database.db, loadConfig({}), now);
		expect(view.backfill).toEqual([
			{ target: 'github:docker/compose', displayName: 'Compose', stars: null, starsUnavailable: null, releases: null, contributors: null, lastProgressAt: null, status: 'not started' },
			{
				target: 'github:moby/moby',
				displayName: 'Moby',
				stars: { pagesDone: 40, isDone: false },
				starsUnavailable: null,
				releases: { pagesDone: 4, isDone: true },
				contributors: { pagesDone: 11, isDone: false, identities: 3 },
				lastProgressAt: '2026-11-28T09:00:00.000Z',
				status: 'running'
			}
		]);
	});

	it('notes the GitHub repositories that wait for the anonymous budget, not among the failures', async () => {
		const waiting = { countersWaitingSince: '2026-11-28T11:05:00.000Z' };
		await database.db.execute(sql`update targets set metadata = metadata || ${JSON.stringify(waiting)}::jsonb where source = 'github'`);
		try {
			const view = await getHealthView(database.db, loadConfig({ GITHUB_TOKEN: 'ghp_secretvalue123' }), now);
			expect(view.notes).toEqual([
				'Docker Hub: no credentials, public repositories only, at the anonymous rate limit',
				'2 repositories wait for the next hour: anonymous GitHub budget'
			]);
		} finally {
			await database.db.execute(sql`update targets set metadata = metadata - 'countersWaitingSince' where source = 'github'`);
		}
	});

	it('says which credentials are set, never their values', async () => {
		const config = loadConfig({ GITHUB_TOKEN: 'ghp_secretvalue123' });
		const view = await getHealthView(database.db, config, now);
		expect(view.credentials.map((c) => [c.name, c.isSet])).toEqual([
			['GITHUB_TOKEN', true],
			['DOCKERHUB_USERNAME + DOCKERHUB_TOKEN', false],
			['ADMIN_TOKEN', false]
		]);
		expect(JSON.stringify(view)).not.toContain('ghp_secretvalue123');
		expect(view.notes).toEqual(['Docker Hub: no credentials, public repositories only, at the anonymous rate limit']);
	});
});
