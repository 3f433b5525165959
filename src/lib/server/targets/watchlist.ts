import type { TargetRef } from '../../refs.js';
import type { Db } from '../db/client.js';
import { insertAppStateIfAbsent } from '../db/queries/app-state.js';
import { upsertTarget } from '../db/queries/targets.js';

/** What a new Dockpulse tracks: Docker's core repositories and the most pulled official images. */
export const defaultWatchlist: (TargetRef & { displayName: string })[] = [
	{ source: 'github', key: 'moby/moby', displayName: 'Moby (Docker Engine)' },
	{ source: 'github', key: 'docker/compose', displayName: 'Docker Compose' },
	{ source: 'github', key: 'docker/cli', displayName: 'Docker CLI' },
	{ source: 'github', key: 'docker/buildx', displayName: 'Docker Buildx' },
	{ source: 'github', key: 'docker/docs', displayName: 'Docker documentation' },
	{ source: 'github', key: 'moby/buildkit', displayName: 'BuildKit' },
	{ source: 'github', key: 'docker/docker-py', displayName: 'Docker SDK for Python' },
	// Release downloads of these two are the scorecard's Boot2Docker row (scorecard/measures.ts).
	{ source: 'github', key: 'boot2docker/boot2docker', displayName: 'Boot2Docker' },
	{ source: 'github', key: 'docker/toolbox', displayName: 'Docker Toolbox' },
	{ source: 'dockerhub', key: 'library/nginx', displayName: 'nginx (official image)' },
	{ source: 'dockerhub', key: 'library/redis', displayName: 'redis (official image)' },
	{ source: 'dockerhub', key: 'library/postgres', displayName: 'postgres (official image)' },
	{ source: 'dockerhub', key: 'library/alpine', displayName: 'alpine (official image)' },
	{ source: 'dockerhub', key: 'library/ubuntu', displayName: 'ubuntu (official image)' },
	{ source: 'dockerhub', key: 'library/node', displayName: 'node (official image)' },
	{ source: 'dockerhub', key: 'library/python', displayName: 'python (official image)' },
	{ source: 'ecosystem', key: 'github-repos:docker', displayName: 'GitHub repositories about Docker' }
];

/**
 * Adds the default watchlist the first time a store starts, and never again: targets an analyst
 * removed stay removed. The marker row and the targets are written in one transaction.
 */
export async function loadDefaultWatchlist(db: Db): Promise<boolean> {
	return db.transaction(async (tx) => {
		const isFirstStart = await insertAppStateIfAbsent(tx, 'default_watchlist', { count: defaultWatchlist.length });
		if (!isFirstStart) return false;
		for (const target of defaultWatchlist) await upsertTarget(tx, target);
		return true;
	});
}
