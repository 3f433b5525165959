import { parseTargetRef, type TargetRef } from '../../refs.js';
import type { LatestValue, LinkView, PairView, PairsView, TargetLinks } from '../../types/links.js';
import type { TargetView } from '../../types/targets.js';
import type { Db } from '../db/client.js';
import { listSeriesByRefs } from '../db/queries/targets.js';
import { listValuesAt } from '../db/queries/values-at.js';
import { computeRatioPoints } from '../metrics/ratio.js';
import { listTargetPage, listTargetViews } from '../targets/list.js';
import { listLinks } from './links.js';

/**
 * The linked pairs as the targets pages show them: each side's latest figures (from the target list
 * the page already has) and the derived ratios at the image's latest pulls, with the divisor taken as
 * the derived series take it: its latest value on or before that time.
 */

function findLatest(views: readonly TargetView[], target: string, metric: string): LatestValue | null {
	const latest = views.find((v) => v.target === target)?.series.find((s) => s.metric === metric)?.latest;
	return latest ? { ts: latest.ts, value: latest.value } : null;
}

async function readRatios(db: Db, link: LinkView, pulls: LatestValue | null): Promise<[number | null, number | null]> {
	if (!pulls) return [null, null];
	const repository = parseTargetRef(link.repository);
	if (!repository.ok) throw new Error(`a stored link names ${link.repository}, which is no target reference`);
	const records = await listSeriesByRefs(db, [
		{ ...repository.value, metric: 'stars' },
		{ ...repository.value, metric: 'contributors' }
	]);
	const atMs = Date.parse(pulls.ts);
	const ids = records.flatMap((r) => (r ? [r.id] : []));
	const values = await listValuesAt(db, ids, new Date(atMs));
	return records.map((record) => {
		const divisor = values.filter((v) => v.seriesId === record?.id).map((v) => ({ tMs: v.ts.getTime(), value: v.value }));
		return computeRatioPoints([{ tMs: atMs, value: pulls.value }], divisor)[0]![1];
	}) as [number | null, number | null];
}

/** Every pair and suggestion, or those of one target; undefined when that target is not tracked. */
export async function listPairViews(db: Db, views: readonly TargetView[], target?: TargetRef): Promise<PairsView | undefined> {
	const links = await listLinks(db, target);
	return links && toPairsView(db, links, views);
}

/** Every pair and suggestion, with the figures of the linked targets only: for a list too long to read whole. */
export async function listPairViewsOfLinked(db: Db): Promise<PairsView> {
	const links = (await listLinks(db))!;
	const only = links.links.flatMap((link) => [link.image, link.repository]).flatMap((text) => {
		const ref = parseTargetRef(text);
		return ref.ok ? [ref.value] : [];
	});
	const { targets } = await listTargetPage(db, { limit: null, only });
	return toPairsView(db, links, targets);
}

async function toPairsView(db: Db, links: TargetLinks, views: readonly TargetView[]): Promise<PairsView> {
	const pairs = await Promise.all(
		links.links.map(async (link): Promise<PairView> => {
			const pulls = findLatest(views, link.image, 'pulls');
			const [pullsPerStar, pullsPerContributor] = await readRatios(db, link, pulls);
			return {
				...link,
				pulls,
				stars: findLatest(views, link.repository, 'stars'),
				contributors: findLatest(views, link.repository, 'contributors'),
				pullsPerStar,
				pullsPerContributor
			};
		})
	);
	return { pairs, suggestions: links.suggestions };
}

export interface TargetPairs {
	view: PairsView;
	/** What the page's link form offers: this target on its side, every tracked candidate on the other. */
	images: { target: string; displayName: string }[];
	repositories: { target: string; displayName: string }[];
}

/** A target page's pairs: undefined for a target that cannot be linked (neither an image nor a repository). */
export async function loadTargetPairs(db: Db, targetText: string): Promise<TargetPairs | undefined> {
	const ref = parseTargetRef(targetText);
	if (!ref.ok || !((ref.value.source === 'dockerhub' && ref.value.key.includes('/')) || ref.value.source === 'github')) return undefined;
	const views = await listTargetViews(db);
	const view = await listPairViews(db, views, ref.value);
	if (!view) return undefined;
	const choose = (isWanted: (t: TargetView) => boolean) => views.filter(isWanted).map((t) => ({ target: t.target, displayName: t.displayName }));
	const isThis = (t: TargetView) => t.target === targetText;
	return {
		view,
		images: choose((t) => (ref.value.source === 'dockerhub' ? isThis(t) : t.source === 'dockerhub' && t.key.includes('/'))),
		repositories: choose((t) => (ref.value.source === 'github' ? isThis(t) : t.source === 'github'))
	};
}
