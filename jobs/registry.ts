import type { Config } from '../src/lib/server/config.js';
import type { Db } from '../src/lib/server/db/client.js';
import type { BackfillParts } from '../src/lib/types/health.js';
import { collectDockerHub } from './collectors/dockerhub/collect.js';
import { backfillEcosystem, type EcosystemBackfillOptions } from './collectors/ecosystem/backfill.js';
import { collectEcosystem } from './collectors/ecosystem/collect.js';
import { backfillGithub, type GithubBackfillOptions } from './collectors/github/backfill/backfill.js';
import { readBackfillProgress } from './collectors/github/backfill/state.js';
import { collectGithub, collectGithubContributors, collectGithubDownloads } from './collectors/github/collect.js';
import { backfillContributorHistory, readContributorHistoryProgress, type ContributorHistoryOptions } from './collectors/github/contributor-history.js';
import type { RunReport } from './collectors/run.js';
import { withRunTelemetry } from './run-telemetry.js';

/**
 * The one list of collectors. The scheduler, the worker, catch-up at start, `npm run collect` and
 * `npm run backfill`, the check of a newly added target and collection health are all built from it:
 * adding a source is a folder under jobs/collectors/ and an entry here (README, "Adding a source").
 */

/** A credential the collectors use; listed (set or not, never its value) on the health page. */
export interface CredentialSpec {
	name: string;
	purpose: string;
	isSet(config: Config): boolean;
	/** Said at start-up when the credential is not set. */
	missingNote: string;
}

/** What any collector's run takes; each reads the options it knows and ignores the rest. */
export type CollectorRunOptions = GithubBackfillOptions & ContributorHistoryOptions & EcosystemBackfillOptions;

export interface CollectorEntry {
	/** Unique, no colon: the job's name, its lease key and collection_runs.collector. */
	name: string;
	/** The source of the targets it collects (`<source>:<key>`). */
	source: string;
	/** Its node-cron expression (UTC), from the configuration. */
	cron(config: Config): string;
	run(db: Db, config: Config, options?: CollectorRunOptions): Promise<RunReport>;
	/** The command that runs it now: `npm run collect` (current values) or `npm run backfill` (history). */
	command: 'collect' | 'backfill';
	/**
	 * Its scheduled ticks run in every instance, which share the tick's batches (collection_batches);
	 * otherwise one instance runs each tick (the lease).
	 */
	sharesTicks?: boolean;
	/** Runs (with onlyKey) to check a newly added target of its source; one entry per source at most. */
	checksNewTargets: boolean;
	/** The credentials its requests use. */
	credentials: readonly CredentialSpec[];
	/**
	 * The health page shows every entry's schedule, recent runs and overdue warning; a backfill that
	 * keeps progress in its targets' metadata also reads its parts of the backfill table here.
	 */
	readBackfillProgress?: (metadata: Record<string, unknown>) => Partial<BackfillParts>;
}

const githubToken: CredentialSpec = {
	name: 'GITHUB_TOKEN',
	purpose: 'GitHub at 5,000 requests an hour instead of 60, with open issues and releases (GraphQL needs a token)',
	isSet: (config) => config.github.token !== undefined,
	missingNote:
		'GitHub: no GITHUB_TOKEN, so GitHub is asked over REST within the anonymous limit of 60 requests an hour: ' +
		'hourly stars, forks and watchers (no open issues or releases, which need a token), daily contributors and release downloads, and history backfills ' +
		'with what is left; repositories that do not fit wait for the next run'
};

const dockerhubToken: CredentialSpec = {
	name: 'DOCKERHUB_USERNAME + DOCKERHUB_TOKEN',
	purpose: 'Docker Hub above the anonymous rate limit',
	isSet: (config) => config.dockerhub.token !== undefined,
	missingNote: 'Docker Hub: no credentials, public repositories only, at the anonymous rate limit'
};

/** In the order the health page lists them and start-up notes name them. */
export const credentials: readonly CredentialSpec[] = [githubToken, dockerhubToken];

/**
 * In the order the health page and GET /api/collection list them. Two lines per collector. Each run is
 * logged and counted in the metrics (run-telemetry.ts), however it is started.
 */
export const collectors: readonly CollectorEntry[] = (<CollectorEntry[]>[
	// One request per image: the work that grows with the watchlist, spread over the workers.
	{ name: 'dockerhub', source: 'dockerhub', command: 'collect', checksNewTargets: true, sharesTicks: true,
		cron: (c) => c.dockerhub.cron, run: collectDockerHub, credentials: [dockerhubToken] },
	{ name: 'github', source: 'github', command: 'collect', checksNewTargets: true,
		cron: (c) => c.github.cron, run: collectGithub, credentials: [githubToken] },
	{ name: 'github-contributors', source: 'github', command: 'collect', checksNewTargets: false,
		cron: (c) => c.github.contributorsCron, run: collectGithubContributors, credentials: [githubToken] },
	// Release asset downloads (a proxy for installs): daily, on the contributor count's schedule.
	{ name: 'github-downloads', source: 'github', command: 'collect', checksNewTargets: false,
		cron: (c) => c.github.contributorsCron, run: collectGithubDownloads, credentials: [githubToken] },
	{ name: 'ecosystem', source: 'ecosystem', command: 'collect', checksNewTargets: true,
		cron: (c) => c.ecosystem.cron, run: collectEcosystem, credentials: [dockerhubToken, githubToken] },
	{ name: 'github-backfill', source: 'github', command: 'backfill', checksNewTargets: false,
		cron: (c) => c.backfillCron, run: backfillGithub, credentials: [githubToken], readBackfillProgress },
	{ name: 'github-contributor-history', source: 'github', command: 'backfill', checksNewTargets: false,
		cron: (c) => c.backfillCron, run: backfillContributorHistory, credentials: [githubToken], readBackfillProgress: readContributorHistoryProgress },
	{ name: 'ecosystem-backfill', source: 'ecosystem', command: 'backfill', checksNewTargets: false,
		cron: (c) => c.backfillCron, run: backfillEcosystem, credentials: [githubToken] }
]).map(withRunTelemetry);

/** The collectors a command runs, in registry order. */
export function listCollectors(command: CollectorEntry['command']): CollectorEntry[] {
	return collectors.filter((entry) => entry.command === command);
}

/** The collector that checks a newly added target of `source`, if any. */
export function getTargetChecker(source: string): CollectorEntry | undefined {
	return collectors.find((entry) => entry.checksNewTargets && entry.source === source);
}

/** The collector of that name, if any (the benchmark runs one on its own). */
export function getCollector(name: string): CollectorEntry | undefined {
	return collectors.find((entry) => entry.name === name);
}
