import pLimit from 'p-limit';
import type { Config } from '../../../src/lib/server/config.js';
import type { Db } from '../../../src/lib/server/db/client.js';
import { listActiveTargets, listActiveTargetsByIds, type CollectionTarget } from '../../../src/lib/server/db/queries/collection-targets.js';
import type { ClaimedBatch } from '../../../src/lib/server/db/queries/batches.js';
import { createObservationWriter, type ObservationWriter } from '../../observation-writer.js';
import { CollectorError, toCollectorError } from '../errors.js';
import { recordFailure, recordRun, recordSuccess, reportNothingLeft, type CollectOptions, type RunProgress, type RunReport } from '../run.js';
import { joinSharedTick, planBatches } from '../shared-tick.js';
import { DockerHubClient } from './client.js';
import { toRepositoryObservation, type Repository } from './parse.js';

/** An image target is `<namespace>/<name>`; a namespace target is `<namespace>` and stands for all its images. */
function splitKey(key: string): { namespace: string; name?: string } {
	const [namespace, name] = key.split('/', 2) as [string, string | undefined];
	return { namespace, name };
}

const isNamespaceKey = (key: string) => !key.includes('/');

/** Each collect* returns how many samples it inserted or changed. */
async function collectImage(client: DockerHubClient, writer: ObservationWriter, ask: Ask, key: string, ts: Date): Promise<number> {
	const { namespace, name } = splitKey(key);
	const repository = await ask(() => client.getRepository(namespace, name!));
	return writer.write({ target: { source: 'dockerhub', key, displayName: key }, ts, ...toRepositoryObservation(repository) });
}

/**
 * A namespace: each of its images' pulls and stars, straight from the listing pages (an image becomes
 * a target of its own unless the analyst removed it), and the namespace's totals. `listed` gets the key
 * of every image the listing answered for, so that none is asked for again on its own in this run.
 */
async function collectNamespace(client: DockerHubClient, writer: ObservationWriter, ask: Ask, key: string, ts: Date, listed: Set<string>): Promise<number> {
	const repositories: Repository[] = await ask(() => client.listRepositories(key));
	// Docker Hub answers 200 with no results for a namespace that does not exist (docker/hub-feedback#2357).
	if (repositories.length === 0) throw new CollectorError('notFound', `Docker Hub namespace ${key} has no public repositories`);
	// Handed to the writer together, so that a listing's images share its transactions.
	const imageWrites = repositories.map(async (repository) => {
		const imageKey = `${repository.namespace}/${repository.name}`;
		const image = { source: 'dockerhub' as const, key: imageKey, displayName: imageKey };
		const changed = await writer.write({ target: image, ts, listedBy: key, ...toRepositoryObservation(repository) });
		listed.add(imageKey);
		return changed;
	});
	const total = (field: 'pull_count' | 'star_count') => repositories.reduce((sum, r) => sum + r[field], 0);
	const totalWrite = writer.write({
		target: { source: 'dockerhub', key, displayName: key },
		ts,
		values: { pulls: total('pull_count'), stars: total('star_count'), repositories: repositories.length },
		metadata: { repositoryCount: repositories.length }
	});
	// Every write settles before the namespace's outcome is known: none is left running after a failure.
	const outcomes = await Promise.allSettled([...imageWrites, totalWrite]);
	const failure = outcomes.find((o) => o.status === 'rejected');
	if (failure) throw failure.reason;
	return outcomes.reduce((sum, o) => sum + (o.status === 'fulfilled' ? o.value : 0), 0);
}

/**
 * One Docker Hub collection run: every active dockerhub target, several at once (COLLECT_CONCURRENCY).
 * Namespaces go first; an image their listings answered for is not asked for again (for `library`,
 * about 170 requests an hour saved), while an image outside them, or of a namespace whose listing
 * failed, is fetched on its own. One target's failure never stops the others; a long rate limit stops
 * asking Docker Hub for the rest of this run, and those targets are recorded as rateLimited.
 * A scheduled run (options.slot) shares its tick in batches with the other workers (collectSharedTick).
 */
export async function collectDockerHub(db: Db, config: Config, options: CollectOptions = {}): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const client = new DockerHubClient(config.dockerhub, config.http, options);
	if (options.slot && !options.onlyKey) return collectSharedTick(db, config, options, client, options.slot);
	const targets = (await listActiveTargets(db, 'dockerhub')).filter((t) => !options.onlyKey || t.key === options.onlyKey);
	return recordRun(db, 'dockerhub', options, client.http.stats, async (report) => {
		// One timestamp for the whole run: samples of one poll line up across targets.
		const writer = createObservationWriter(db, config.counters);
		await collectTargets(client, writer, createPhaseRunner(db, config, options, report), targets, now());
	});
}

/**
 * A scheduled tick, in batches that every worker running the tick claims (shared-tick.ts): a namespace
 * travels with its tracked images, so that its listing still saves their requests. This process
 * records a run only once it has claimed a batch; every sample of the tick has the tick's time, so a
 * batch done again (after a kill) rewrites the same samples. After a long rate limit this worker
 * finishes its batch without asking (its targets recorded rateLimited) and claims no more: the rest
 * is left to workers that Docker Hub still answers, or, if none is, to the next tick.
 * A worker claims its next batch as soon as every request of the current one has gone out, so that
 * the next batch's requests fill the slots that the current one's last answers leave idle; at most
 * two batches run at once, sharing the request slots and the writer.
 */
async function collectSharedTick(db: Db, config: Config, options: CollectOptions, client: DockerHubClient, slot: Date): Promise<RunReport> {
	const now = options.now ?? (() => new Date());
	const plan = async () => planBatches(groupByNamespace(await listActiveTargets(db, 'dockerhub')), config.collectBatchSize);
	const tick = await joinSharedTick(db, { tick: { job: 'dockerhub', slot }, observedAt: now(), signal: options.signal, plan });
	const first = await tick.claimNext();
	if (!first) return reportNothingLeft(client.http.stats);
	return recordRun(db, 'dockerhub', options, client.http.stats, async (report) => {
		const phase = createPhaseRunner(db, config, options, report);
		const writer = createObservationWriter(db, config.counters);
		const runBatch = async (batch: ClaimedBatch, onAllAsked: () => void) => {
			// A target removed since the tick was planned is skipped.
			const targets = await listActiveTargetsByIds(db, 'dockerhub', batch.targetIds);
			// Targets left because the process is stopping: a batch with none left is done, even if the stop came.
			let left = 0;
			const progress: RunProgress = { ...report, interrupted: (target) => ((left += 1), report.interrupted(target)) };
			await tick.runBatch(batch, async () => {
				await collectTargets(client, writer, phase, targets, batch.observedAt, progress, onAllAsked);
				return left === 0;
			});
		};
		let failure: { error: unknown } | undefined;
		const running: Promise<void>[] = [];
		for (let batch: ClaimedBatch | undefined = first; batch && !failure; ) {
			let markAsked!: () => void;
			const allAsked = new Promise<void>((resolve) => (markAsked = resolve));
			running.push(runBatch(batch, markAsked).catch((error: unknown) => void (failure ??= { error })));
			await Promise.race([allAsked, running.at(-1)]);
			// The batch before this one ends before a third starts.
			if (running.length > 1) await running.shift();
			batch = failure || phase.isRateLimited() ? undefined : await tick.claimNext();
		}
		// Every batch ends before the run does, even after a failure (its batch went back for another try).
		await Promise.all(running);
		if (failure) throw failure.error;
	});
}

/** Groups of target ids for planBatches: each namespace with its tracked images, then every other image alone. */
export function groupByNamespace(targets: readonly CollectionTarget[]): number[][] {
	const namespaces = targets.filter((t) => isNamespaceKey(t.key));
	const inNamespace = new Set<number>();
	const groups = namespaces.map((namespace) => {
		const images = targets.filter((t) => t.key.startsWith(`${namespace.key}/`)).map((t) => t.id);
		images.forEach((id) => inNamespace.add(id));
		return [namespace.id, ...images];
	});
	const alone = targets.filter((t) => !isNamespaceKey(t.key) && !inNamespace.has(t.id)).map((t) => [t.id]);
	return [...groups, ...alone];
}

/** Namespaces first, then the images their listings did not answer for. */
async function collectTargets(
	client: DockerHubClient,
	writer: ObservationWriter,
	phase: PhaseRunner,
	targets: CollectionTarget[],
	ts: Date,
	progress?: RunProgress,
	onAllAsked?: () => void
): Promise<void> {
	const listed = new Set<string>();
	await phase(targets.filter((t) => isNamespaceKey(t.key)), (key, ask) => collectNamespace(client, writer, ask, key, ts, listed), progress);
	const images = targets.filter((t) => !isNamespaceKey(t.key) && !listed.has(t.key));
	await phase(images, (key, ask) => collectImage(client, writer, ask, key, ts), progress, onAllAsked);
}

type PhaseRunner = ReturnType<typeof createPhaseRunner>;

/** Runs one request to Docker Hub within the run's concurrency, unless a long rate limit stopped the run. */
type Ask = <T>(request: () => Promise<T>) => Promise<T>;

/**
 * Runs targets several at once, recording each; after a long rate limit the rest fail without asking,
 * and isRateLimited() says so (a shared tick's worker then claims no more batches). The concurrency
 * (COLLECT_CONCURRENCY) bounds the requests only (`ask`): a target whose answer is being written holds
 * no request slot, so the next request goes out while the writer gathers answers into one transaction.
 */
function createPhaseRunner(db: Db, config: Config, options: CollectOptions, report: RunProgress) {
	let rateLimit: CollectorError | undefined;
	const limit = pLimit(config.collectConcurrency);
	const ask: Ask = (request) =>
		limit(async () => {
			if (rateLimit) throw rateLimit;
			try {
				return await request();
			} catch (error) {
				// Set before the slot is given back: no request queued behind this one goes out.
				const failure = toCollectorError(error);
				if (failure.kind === 'rateLimited') rateLimit = failure;
				throw failure;
			}
		});
	/**
	 * `progress` is where the targets' outcomes go: the run's report, or a batch's view of it.
	 * `onAllAsked` is called once every target has had its request start (or has ended without one).
	 */
	const run = (targets: CollectionTarget[], collect: (key: string, ask: Ask) => Promise<number>, progress = report, onAllAsked = () => {}) => {
		let unasked = targets.length;
		if (unasked === 0) onAllAsked();
		return Promise.all(
			targets.map(async (target) => {
				let isAsked = false;
				const countAsked = () => {
					if (isAsked) return;
					isAsked = true;
					unasked -= 1;
					if (unasked === 0) onAllAsked();
				};
				try {
					const changed = await collect(target.key, (request) => ask(() => (countAsked(), request())));
					recordSuccess(progress, options, target.key, changed);
				} catch (error) {
					await recordFailure(db, 'dockerhub', progress, options, target.key, toCollectorError(error));
				} finally {
					countAsked();
				}
			})
		);
	};
	return Object.assign(run, { isRateLimited: () => rateLimit !== undefined });
}
