import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { listActiveTargets } from '../../../src/lib/server/db/queries/collection-targets.js';
import { writeObservation, type Observation } from '../../observations.js';
import { DockerHubClient } from '../dockerhub/client.js';
import { CollectorError, toCollectorError } from '../errors.js';
import type { HttpStats } from '../http.js';
import { recordFailure, recordRun, recordSuccess, type CollectOptions, type RunReport } from '../run.js';
import { GithubSearch } from './github-search.js';

/**
 * Ecosystem-wide counts. A target `ecosystem:<kind>:<query>` is a search whose total is tracked as the
 * series `repositories`: `dockerhub-repos:<query>` counts Docker Hub's search results,
 * `github-repos:<term>` GitHub's repositories matching `<term> <ECOSYSTEM_GITHUB_QUALIFIERS>` ("GitHub
 * repositories about Docker"). Searches run one after another: search APIs have limits of their own
 * (GitHub: 30 a minute).
 */

/** A search total, with the flags it carries (`capped`: the count sits at a cap the API is known to apply). */
interface Count {
	total: number;
	flags: string[];
}
type Counter = (query: string) => Promise<Count>;

/**
 * Older Docker Hub search answers stop counting at 10,000 (../../../../shared/API-NOTES.md): a count of
 * exactly that is a floor, not a measure. Stored, with the flag `capped` and this series note.
 */
export const dockerHubSearchCap = 10_000;
export const dockerHubSearchNote =
	"Docker Hub search's result count. Older answers stopped counting at 10,000: a sample flagged `capped` " +
	'sits at that cap and is a floor, not a measure; its growth says nothing.';

function splitKey(key: string): { kind: string; query: string } {
	const colon = key.indexOf(':');
	return { kind: key.slice(0, colon), query: key.slice(colon + 1) };
}

export async function collectEcosystem(db: Db, config: Config, options: CollectOptions = {}): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const dockerhub = new DockerHubClient(config.dockerhub, config.http, options);
	const github = new GithubSearch(config.github, config.http, options);
	const counters: Record<string, Counter> = {
		'dockerhub-repos': async (query) => {
			const total = await dockerhub.countSearchResults(query);
			return { total, flags: total === dockerHubSearchCap ? ['capped'] : [] };
		},
		'github-repos': async (term) => ({ total: await github.countRepositories(`${term} ${config.ecosystem.githubQualifiers}`.trim()), flags: [] })
	};
	const stats: HttpStats = {
		get requests() {
			return dockerhub.http.stats.requests + github.stats.requests;
		},
		get rateBudgetLeft() {
			return github.stats.rateBudgetLeft ?? dockerhub.http.stats.rateBudgetLeft;
		}
	};
	const targets = (await listActiveTargets(db, 'ecosystem')).filter((t) => !options.onlyKey || t.key === options.onlyKey);
	return recordRun(db, 'ecosystem', options, stats, async (report) => {
		const ts = now();
		for (const target of targets) {
			const { kind, query } = splitKey(target.key);
			try {
				const counter = counters[kind];
				if (!counter || !query) throw new CollectorError('notFound', `unknown ecosystem query ${target.key} (expected dockerhub-repos:<query> or github-repos:<term>)`);
				const count = await counter(query);
				const observation: Observation = {
					target: { source: 'ecosystem', key: target.key, displayName: target.displayName },
					ts,
					values: { repositories: count.total },
					flags: { repositories: count.flags },
					...(kind === 'dockerhub-repos' ? { notes: { repositories: dockerHubSearchNote } } : {})
				};
				recordSuccess(report, options, target.key, await writeObservation(db, observation, config.counters));
			} catch (error) {
				await recordFailure(db, 'ecosystem', report, options, target.key, toCollectorError(error));
			}
		}
	});
}
