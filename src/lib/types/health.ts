import type { RetentionView } from './retention.js';

/**
 * What collection health shows, shared by jobs/ (which computes it) and the health page and overview
 * (which render it): plain data, ISO strings for instants.
 */

/** Why a collector could not get a target's numbers; recorded per target on the run. */
export type FailureKind = 'rateLimited' | 'notFound' | 'http' | 'invalidResponse' | 'timeout' | 'network';

/** What a run records as failed: a collector's failures, or `crashed` (on target `*`) for a run its process left open. */
export type RunFailureKind = FailureKind | 'crashed';

/** interrupted: the process stopped (SIGTERM) mid-run; the targets it had not reached wait for the next run. */
export const runStatuses = ['running', 'ok', 'partial', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof runStatuses)[number];

export interface RunFailure {
	target: string;
	kind: RunFailureKind;
	message: string;
}

export interface RunView {
	id: number;
	startedAt: string;
	finishedAt: string | null;
	status: RunStatus;
	targetsDone: number;
	targetsFailed: number;
	failures: RunFailure[];
	requestsMade: number;
	rateBudgetLeft: number | null;
}

/** One collector's schedule and recent runs, as GET /api/collection answers. */
export interface CollectorHealth {
	collector: string;
	cron: string;
	intervalMs: number;
	lastSuccessAt: string | null;
	/** No success for longer than twice the schedule's interval (or none yet, after a failure). */
	isOverdue: boolean;
	recentRuns: RunView[];
}

export interface FailureCount {
	kind: RunFailureKind;
	count: number;
	/** Distinct targets that failed this way, in the order first seen (most recent run first). */
	targets: string[];
}

export interface CollectorView extends CollectorHealth {
	/** Failures of the recent runs by kind, most frequent first. */
	failureCounts: FailureCount[];
}

export interface PagesProgress {
	pagesDone: number;
	isDone: boolean;
}

/** Stars GitHub refuses to give the history of: why, and when the backfill asks again (ISO). */
export interface BackfillUnavailable {
	reason: string;
	retryAt: string;
}

/** The parts of a target's history backfill; null: this part has not started (no saved state). */
export interface BackfillParts {
	stars: PagesProgress | null;
	/** Set while the stars are settled as unavailable (until retryAt). */
	starsUnavailable: BackfillUnavailable | null;
	releases: PagesProgress | null;
	contributors: (PagesProgress & { identities: number }) | null;
	/** When the stars/releases backfill last saved a page; the contributor history keeps no time. */
	lastProgressAt: string | null;
}

/**
 * A target's backfill as a whole: done when every started part is; unavailable when what is left is
 * only stars GitHub refuses (until their retry time); running while a part has pages to read.
 */
export const backfillStatuses = ['not started', 'running', 'done', 'unavailable'] as const;
export type BackfillStatus = (typeof backfillStatuses)[number];

export interface BackfillProgress extends BackfillParts {
	target: string;
	displayName: string;
	status: BackfillStatus;
}

export interface Credential {
	name: string;
	isSet: boolean;
	purpose: string;
}

/** Everything the /health page shows: collectors, their failures, backfill progress, credentials. */
export interface HealthView {
	collectors: CollectorView[];
	overdue: CollectorView[];
	backfill: BackfillProgress[];
	credentials: Credential[];
	notes: string[];
	/** RAW_RETENTION_DAYS and the last compaction of old samples. */
	retention: RetentionView;
}
