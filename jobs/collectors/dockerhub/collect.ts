import pLimit from 'p-limit';
import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { listActiveTargets } from '../../../src/lib/server/db/queries/collection-targets.js';
import { writeObservation } from '../../observations.js';
import { CollectorError, toCollectorError } from '../errors.js';
import { recordFailure, recordRun, recordSuccess, type CollectOptions, type RunReport } from '../run.js';
import { DockerHubClient } from './client.js';
import { toRepositoryObservation, type Repository } from './parse.js';

/** An image target is `<namespace>/<name>`; a namespace target is `<namespace>` and stands for all its images. */
function splitKey(key: string): { namespace: string; name?: string } {
	const [namespace, name] = key.split('/', 2) as [string, string | undefined];
	return { namespace, name };
}

/** Each collect* returns how many samples it inserted or changed. */
async function collectImage(client: DockerHubClient, db: Db, config: Config, key: string, ts: Date): Promise<number> {
	const { namespace, name } = splitKey(key);
	const repository = await client.getRepository(namespace, name!);
	return writeObservation(db, { target: { source: 'dockerhub', key, displayName: key }, ts, ...toRepositoryObservation(repository) }, config.counters);
}

/** A namespace: each of its images as a target of its own, and the namespace's total pulls and stars. */
async function collectNamespace(client: DockerHubClient, db: Db, config: Config, key: string, ts: Date): Promise<number> {
	const repositories: Repository[] = await client.listRepositories(key);
	// Docker Hub answers 200 with no results for a namespace that does not exist (docker/hub-feedback#2357).
	if (repositories.length === 0) throw new CollectorError('notFound', `Docker Hub namespace ${key} has no public repositories`);
	let changedSamples = 0;
	for (const repository of repositories) {
		const imageKey = `${repository.namespace}/${repository.name}`;
		const image = { source: 'dockerhub' as const, key: imageKey, displayName: imageKey };
		changedSamples += await writeObservation(db, { target: image, ts, listedBy: key, ...toRepositoryObservation(repository) }, config.counters);
	}
	const total = (field: 'pull_count' | 'star_count') => repositories.reduce((sum, r) => sum + r[field], 0);
	const totalChanged = await writeObservation(
		db,
		{
			target: { source: 'dockerhub', key, displayName: key },
			ts,
			values: { pulls: total('pull_count'), stars: total('star_count'), repositories: repositories.length },
			metadata: { repositoryCount: repositories.length }
		},
		config.counters
	);
	return changedSamples + totalChanged;
}

/**
 * One Docker Hub collection run: every active dockerhub target, several at once (COLLECT_CONCURRENCY).
 * One target's failure never stops the others; a long rate limit stops asking Docker Hub for the rest
 * of this run, and those targets are recorded as rateLimited.
 */
export async function collectDockerHub(db: Db, config: Config, options: CollectOptions = {}): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const client = new DockerHubClient(config.dockerhub, config.http, options);
	const targets = (await listActiveTargets(db, 'dockerhub')).filter((t) => !options.onlyKey || t.key === options.onlyKey);
	return recordRun(db, 'dockerhub', options, client.http.stats, async (report) => {
		// One timestamp for the whole run: samples of one poll line up across targets.
		const ts = now();
		let rateLimit: CollectorError | undefined;
		const limit = pLimit(config.collectConcurrency);
		await Promise.all(
			targets.map((target) =>
				limit(async () => {
					try {
						if (rateLimit) throw rateLimit;
						const isNamespace = !target.key.includes('/');
						const changedSamples = await (isNamespace ? collectNamespace : collectImage)(client, db, config, target.key, ts);
						recordSuccess(report, options, target.key, changedSamples);
					} catch (error) {
						const failure = toCollectorError(error);
						if (failure.kind === 'rateLimited') rateLimit = failure;
						await recordFailure(db, 'dockerhub', report, options, target.key, failure);
					}
				})
			)
		);
	});
}
