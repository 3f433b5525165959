import { formatSeriesRef, formatTargetRef, type TargetRef } from '../../refs.js';
import type { TargetView } from '../../types/targets.js';
import type { Db } from '../db/client.js';
import { countTargetsUpTo, listLatestPage, listLatestValues, type LatestRow } from '../db/queries/latest.js';

/** Every target with its series and each series' latest sample, as /api/targets and the dashboard list them. */
export async function listTargetViews(db: Db): Promise<TargetView[]> {
	return toTargetViews(await listLatestValues(db));
}

/** One row per series (or per target without series), in target order, grouped into views. */
function toTargetViews(rows: readonly LatestRow[]): TargetView[] {
	const views = new Map<string, TargetView>();
	for (const row of rows) {
		const ref = formatTargetRef(row);
		let view = views.get(ref);
		if (!view) {
			view = {
				target: ref,
				source: row.source,
				key: row.key,
				displayName: row.display_name,
				addedAt: new Date(Number(row.added_ms)).toISOString(),
				isActive: row.is_active,
				status: row.status,
				statusMessage: row.status_message,
				lastCollectedAt: row.collected_ms === null ? null : new Date(Number(row.collected_ms)).toISOString(),
				removedFromListing: row.removed_listed ?? [],
				series: []
			};
			views.set(ref, view);
		}
		if (row.metric === null) continue;
		view.series.push({
			series: formatSeriesRef({ source: row.source, key: row.key, metric: row.metric }),
			metric: row.metric,
			unit: row.unit!,
			kind: row.kind!,
			latest:
				row.latest_ms === null
					? null
					: {
							ts: new Date(Number(row.latest_ms)).toISOString(),
							value: Number(row.latest_value),
							provenance: row.latest_provenance!
						}
		});
	}
	return [...views.values()];
}

/** What a page of targets asks for: GET /api/targets?limit=&after=&q=&source= and the targets page. */
export interface TargetPageRequest {
	/** At most this many targets; null: all of them from the cursor on. */
	limit: number | null;
	/** The targets after this one in (source, key) order... */
	after?: TargetRef | undefined;
	/** ...or those just before it (the page's "previous" link); after wins if both are given. */
	before?: TargetRef | undefined;
	/** Words matched as the targets page's filter box matches them (filterTargets). */
	q?: string | undefined;
	source?: string | undefined;
	/** Only these targets. */
	only?: readonly TargetRef[] | undefined;
}

export interface TargetPage {
	targets: TargetView[];
	/** The cursor (`after`) of the following page, null when this page is the last. */
	next: string | null;
	/** The cursor (`before`) of the preceding page, null when this page is the first. */
	previous: string | null;
}

/**
 * One page of targets in reference order, costing the page's rows rather than the whole list's
 * (latestPageQuery): what large installations list instead of every target at once.
 */
export async function listTargetPage(db: Db, request: TargetPageRequest): Promise<TargetPage> {
	const isBackward = !request.after && request.before !== undefined;
	const cursor = request.after ?? request.before;
	const words = (request.q ?? '').split(/\s+/).filter(Boolean);
	const views = toTargetViews(await listLatestPage(db, { cursor, isBackward, limit: request.limit, words, source: request.source, only: request.only }));
	const hasMore = request.limit !== null && views.length > request.limit;
	// The extra target that says there is more lies beyond the page: last going forward, first going back.
	const targets = hasMore ? (isBackward ? views.slice(1) : views.slice(0, -1)) : views;
	const [first, last] = [targets[0], targets.at(-1)];
	const hasNext = isBackward ? cursor !== undefined : hasMore;
	const hasPrevious = isBackward ? hasMore : cursor !== undefined;
	return {
		targets,
		next: hasNext && last ? last.target : null,
		previous: hasPrevious && first ? first.target : null
	};
}

/** Above this many targets the targets page lists one page at a time, filtered in SQL. */
export const pagedListThreshold = 500;

/** Whether the targets page should page: counts no further than the threshold. */
export async function hasManyTargets(db: Db): Promise<boolean> {
	return (await countTargetsUpTo(db, pagedListThreshold + 1)) > pagedListThreshold;
}
