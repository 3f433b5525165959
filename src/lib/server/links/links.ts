import { formatTargetRef, type TargetRef } from '../../refs.js';
import type { LinkView, SuggestionView, TargetLinks } from '../../types/links.js';
import type { Db } from '../db/client.js';
import { deleteTargetLink, insertTargetLink, listLinkSuggestions, listTargetLinks, type LinkRow, type SuggestionRow } from '../db/queries/target-links.js';
import { getTargetId } from '../db/queries/targets.js';
import { listDerivedRefs } from '../series/derived.js';

/**
 * Pairing a Docker Hub image with its GitHub repository (either end may be named first), and the
 * pairs worth suggesting. Suggestions are only shown: a link is made when someone accepts one (or
 * pairs two targets by hand), never automatically, because a README that links to a repository may
 * name a dependency or a fork rather than the image's own source.
 */

export type PairProblem = { ok: false; status: 400 | 404; parameter: 'ref' | 'target'; message: string };
export type Pair = { ok: true; image: TargetRef; repository: TargetRef; imageId: number; repositoryId: number };

const isImage = (ref: TargetRef) => ref.source === 'dockerhub' && ref.key.includes('/');

/** The image and the repository two references name, both tracked; or the 400/404 saying why not. */
export async function resolvePair(db: Db, target: TargetRef, other: TargetRef): Promise<Pair | PairProblem> {
	const refuse = (status: 400 | 404, parameter: 'ref' | 'target', message: string): PairProblem => ({ ok: false, status, parameter, message });
	if (target.source !== 'dockerhub' && target.source !== 'github') {
		return refuse(400, 'target', `only a Docker Hub image and a GitHub repository can be linked, not ${formatTargetRef(target)}`);
	}
	if (other.source === target.source) return refuse(400, 'ref', `${formatTargetRef(other)} has the same source as ${formatTargetRef(target)}; link a Docker Hub image with a GitHub repository`);
	if (other.source !== 'dockerhub' && other.source !== 'github') return refuse(400, 'ref', `only a Docker Hub image and a GitHub repository can be linked, not ${formatTargetRef(other)}`);
	const [image, repository] = target.source === 'dockerhub' ? [target, other] : [other, target];
	if (!isImage(image)) return refuse(400, image === target ? 'target' : 'ref', `${formatTargetRef(image)} is a Docker Hub namespace; link one of its images (dockerhub:<ns>/<image>)`);
	const [targetId, otherId] = await Promise.all([getTargetId(db, target), getTargetId(db, other)]);
	if (targetId === undefined) return refuse(404, 'target', `no target ${formatTargetRef(target)}`);
	if (otherId === undefined) return refuse(400, 'ref', `${formatTargetRef(other)} is not tracked; add it first (POST /api/targets)`);
	const [imageId, repositoryId] = target.source === 'dockerhub' ? [targetId, otherId] : [otherId, targetId];
	return { ok: true, image, repository, imageId, repositoryId };
}

export type LinkOutcome = { outcome: 'linked' | 'exists'; link: LinkView } | { outcome: 'taken'; message: string };

/** Links the pair; `suggested` when the two name each other (so the link's origin says so), `manual` otherwise. */
export async function linkPair(db: Db, pair: Pair): Promise<LinkOutcome> {
	const suggestions = await listLinkSuggestions(db, pair.imageId);
	const isSuggested = suggestions.some((s) => s.hub_key === pair.image.key && s.github_key === pair.repository.key);
	const result = await insertTargetLink(db, pair.imageId, pair.repositoryId, isSuggested ? 'suggested' : 'manual');
	if (result.outcome === 'taken') {
		const message = `${formatTargetRef(pair.image)} is already linked to github:${result.githubKey}; unlink it first (an image has one repository)`;
		return { outcome: 'taken', message };
	}
	const link = (await listTargetLinks(db, pair.imageId)).find((row) => row.hub_key === pair.image.key);
	if (!link) throw new Error(`the link of ${formatTargetRef(pair.image)} vanished right after it was written`);
	return { outcome: result.outcome, link: toLinkView(link) };
}

/** Removes the pair's link; false when there was none (which is no error: unlinking twice is fine). */
export function unlinkPair(db: Db, pair: Pair): Promise<boolean> {
	return deleteTargetLink(db, pair.imageId, pair.repositoryId);
}

/** The links and suggestions of one tracked target, or of every target; undefined when the target is not tracked. */
export async function listLinks(db: Db, target?: TargetRef): Promise<TargetLinks | undefined> {
	const targetId = target ? await getTargetId(db, target) : undefined;
	if (target && targetId === undefined) return undefined;
	const [links, suggestions] = await Promise.all([listTargetLinks(db, targetId), listLinkSuggestions(db, targetId)]);
	return { links: links.map(toLinkView), suggestions: groupSuggestions(suggestions) };
}

function toLinkView(row: LinkRow): LinkView {
	return {
		image: `dockerhub:${row.hub_key}`,
		imageName: row.hub_name,
		repository: `github:${row.github_key}`,
		repositoryName: row.github_name,
		origin: row.origin,
		createdAt: new Date(Number(row.created_ms)).toISOString(),
		derivedSeries: listDerivedRefs(row.hub_key)
	};
}

/** One suggestion per pair, with every reason it was found for. */
function groupSuggestions(rows: readonly SuggestionRow[]): SuggestionView[] {
	const byPair = new Map<string, SuggestionView>();
	for (const row of rows) {
		const key = `${row.hub_key} ${row.github_key}`;
		const view = byPair.get(key) ?? {
			image: `dockerhub:${row.hub_key}`,
			imageName: row.hub_name,
			repository: `github:${row.github_key}`,
			repositoryName: row.github_name,
			reasons: []
		};
		if (!view.reasons.includes(row.reason)) view.reasons.push(row.reason);
		byPair.set(key, view);
	}
	return [...byPair.values()];
}
