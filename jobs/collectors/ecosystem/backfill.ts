import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { upsertSamples } from '../../../src/lib/server/db/queries/samples.js';
import { upsertSeries } from '../../../src/lib/server/db/queries/targets.js';
import { addMonths, monthEndStamp, monthEndStampNote } from '../../../src/lib/server/time.js';
import { listActiveTargets, lockTargetForWrite, mergeTargetMetadata } from '../../../src/lib/server/db/queries/collection-targets.js';
import { toCollectorError } from '../errors.js';
import { recordFailure, recordRun, recordSuccess, type CollectOptions, type RunReport } from '../run.js';
import { GithubSearch } from './github-search.js';

/**
 * History of an `ecosystem:github-repos:<term>` count, rebuilt month by month from GitHub search's
 * `created:<date` qualifier: the number of matching repositories created before each month's end, as
 * GitHub sees them today. Resumable (the next month to ask is kept on the target) and bounded per run,
 * since search allows 30 requests a minute. A month whose search answer is incomplete is not stored and
 * not passed: the next run asks it again.
 */

export const ecosystemHistoryNote =
	'Daily observed totals of GitHub search, plus a monthly history (provenance reconstructed) counting ' +
	'repositories created before each month end as seen today: repositories deleted, made private or ' +
	'renamed away from the term since then are missing (survivorship), so early months read low. ' +
	monthEndStampNote;

export interface EcosystemBackfillOptions extends CollectOptions {
	/** Search requests per run, across targets (default 20). */
	maxRequests?: number;
	/** The first month rebuilt, YYYY-MM (default 2013-03, when Docker was released). */
	firstMonth?: string;
}

interface BackfillTarget {
	id: number;
	key: string;
	nextMonth: string;
}

async function listBackfillTargets(db: Db, firstMonth: string, onlyKey: string | undefined): Promise<BackfillTarget[]> {
	const rows = await listActiveTargets(db, 'ecosystem');
	return rows
		.filter((r) => r.key.startsWith('github-repos:') && (!onlyKey || r.key === onlyKey))
		.map((r) => {
			const backfill = (r.metadata.backfill ?? {}) as { nextMonth?: string };
			return { id: r.id, key: r.key, nextMonth: backfill.nextMonth ?? firstMonth };
		});
}

/**
 * One month: the count, stored at the month's last day with the progress, in one transaction; returns
 * the samples changed, or undefined when the target was removed during the run (nothing is written).
 */
async function backfillMonth(db: Db, client: GithubSearch, config: Config, target: BackfillTarget, month: string): Promise<number | undefined> {
	const nextMonth = addMonths(month, 1);
	const term = target.key.slice('github-repos:'.length);
	const count = await client.countRepositories(`${term} ${config.ecosystem.githubQualifiers} created:<${nextMonth}-01`.trim());
	const counts = await db.transaction(async (tx) => {
		if ((await lockTargetForWrite(tx, target.id)) === undefined) return undefined;
		const seriesId = await upsertSeries(tx, target.id, { metric: 'repositories', unit: 'repositories', kind: 'counter', note: ecosystemHistoryNote });
		const written = await upsertSamples(tx, seriesId, 'reconstructed', [{ ts: monthEndStamp(month), value: count }], undefined, config.counters);
		await mergeTargetMetadata(tx, target.id, { backfill: { nextMonth } });
		return written;
	});
	if (!counts) return undefined;
	target.nextMonth = nextMonth;
	return counts.inserted + counts.updated;
}

export async function backfillEcosystem(db: Db, config: Config, options: EcosystemBackfillOptions = {}): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const client = new GithubSearch(config.github, config.http, options);
	const maxRequests = options.maxRequests ?? 20;
	const targetsToFill = await listBackfillTargets(db, options.firstMonth ?? '2013-03', options.onlyKey);
	return recordRun(db, 'ecosystem-backfill', options, client.stats, async (report) => {
		// Only months that have ended: the current one is still growing.
		const currentMonth = now().toISOString().slice(0, 7);
		for (const target of targetsToFill) {
			try {
				let changedSamples = 0;
				while (target.nextMonth < currentMonth && client.stats.requests < maxRequests) {
					const changed = await backfillMonth(db, client, config, target, target.nextMonth);
					if (changed === undefined) break;
					changedSamples += changed;
				}
				recordSuccess(report, options, target.key, changedSamples);
			} catch (error) {
				await recordFailure(db, 'ecosystem', report, options, target.key, toCollectorError(error));
			}
		}
	});
}
