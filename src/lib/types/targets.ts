import type { Provenance } from './samples.js';

/** What adding a target answers (event.locals.collection.addTarget; POST /api/targets and the targets page). */
export type AddTargetResult =
	| { outcome: 'added' | 'exists'; target: string }
	| { outcome: 'notFound' | 'unavailable' | 'unsupported'; target: string; message: string };

/** A target as /api/targets, the dashboard and the targets page list it. */
export interface TargetView {
	target: string;
	source: string;
	key: string;
	displayName: string;
	addedAt: string;
	isActive: boolean;
	/** What the last collection found: ok, failing (statusMessage says why) or not_found at the source. */
	status: 'ok' | 'failing' | 'not_found';
	statusMessage: string | null;
	lastCollectedAt: string | null;
	/**
	 * For a Docker Hub namespace: the images the analyst removed, which its listing leaves out until one
	 * is added again (adding it back takes it off this list).
	 */
	removedFromListing: string[];
	series: {
		series: string;
		metric: string;
		unit: string;
		kind: 'counter' | 'gauge';
		latest: { ts: string; value: number; provenance: Provenance } | null;
	}[];
}
