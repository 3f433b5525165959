import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { listActiveTargets } from '../../../src/lib/server/db/queries/collection-targets.js';
import { writeObservation } from '../../observations.js';
import { DockerHubClient } from '../dockerhub/client.js';
import { GithubClient } from '../github/client.js';
import { CollectorError, toCollectorError } from '../errors.js';
import type { HttpStats } from '../http.js';
import { recordFailure, recordRun, recordSuccess, type CollectOptions, type RunReport } from '../run.js';

/**
 * Ecosystem-wide counts. A target `ecosystem:<kind>:<query>` is a search whose total is tracked as the
 * series `repositories`: `dockerhub-repos:<query>` counts Docker Hub's search results,
 * `github-repos:<term>` GitHub's repositories matching `<term> <ECOSYSTEM_GITHUB_QUALIFIERS>` ("GitHub
 * repositories about Docker"). Searches run one after another: search APIs have limits of their own
 * (GitHub: 30 a minute).
 */

type Counter = (query: string) => Promise<number>;

function splitKey(key: string): { kind: string; query: string } {
	const colon = key.indexOf(':');
	return { kind: key.slice(0, colon), query: key.slice(colon + 1) };
}

export async function collectEcosystem(db: Db, config: Config, options: CollectOptions = {}): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const dockerhub = new DockerHubClient(config.dockerhub, config.http, options);
	const github = new GithubClient(config.github, config.http, options);
	const counters: Record<string, Counter> = {
		'dockerhub-repos': (query) => dockerhub.countSearchResults(query),
		'github-repos': (term) => github.countSearchResults(`${term} ${config.ecosystem.githubQualifiers}`.trim())
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
				const total = await counter(query);
				const observation = { target: { source: 'ecosystem' as const, key: target.key, displayName: target.displayName }, ts, values: { repositories: total } };
				recordSuccess(report, options, target.key, await writeObservation(db, observation, config.counters));
			} catch (error) {
				await recordFailure(db, 'ecosystem', report, options, target.key, toCollectorError(error));
			}
		}
	});
}
