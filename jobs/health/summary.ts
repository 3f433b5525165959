import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { formatTargetRef } from '../../src/lib/refs.js';
import { getCollectionHealth, type CollectorHealth, type RunView } from './runs.js';
import type { Config } from '../../src/lib/server/config.js';
import type { Db } from '../../src/lib/server/db/client.js';
import { targets, type RunFailure } from '../../src/lib/server/db/schema/index.js';
import { describeCredentials } from '../schedules.js';

/** Everything the /health page shows: collectors, their failures, backfill progress, credentials. */

export type FailureKind = RunFailure['kind'];

export interface FailureCount {
	kind: FailureKind;
	count: number;
	/** Distinct targets that failed this way, in the order first seen (most recent run first). */
	targets: string[];
}

export interface CollectorView extends CollectorHealth {
	/** Failures of the recent runs by kind, most frequent first. */
	failureCounts: FailureCount[];
}

export interface BackfillProgress {
	target: string;
	displayName: string;
	/** null: this part has not started (no saved state). */
	stars: { pagesDone: number; isDone: boolean } | null;
	releases: { pagesDone: number; isDone: boolean } | null;
	contributors: { pagesDone: number; isDone: boolean; identities: number } | null;
	/** When the stars/releases backfill last saved a page; the contributor history keeps no time. */
	lastProgressAt: string | null;
}

export interface Credential {
	name: string;
	isSet: boolean;
	purpose: string;
}

export interface HealthView {
	collectors: CollectorView[];
	overdue: CollectorView[];
	backfill: BackfillProgress[];
	credentials: Credential[];
	notes: string[];
}

export function countFailuresByKind(runs: readonly RunView[]): FailureCount[] {
	const byKind = new Map<FailureKind, FailureCount>();
	for (const failure of runs.flatMap((r) => r.failures)) {
		const entry = byKind.get(failure.kind) ?? { kind: failure.kind, count: 0, targets: [] };
		entry.count++;
		if (!entry.targets.includes(failure.target)) entry.targets.push(failure.target);
		byKind.set(failure.kind, entry);
	}
	return [...byKind.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

// The shapes jobs/collectors/github/backfill/state.ts and contributor-history.ts save in
// targets.metadata. Read leniently: a malformed part shows as not started rather than failing the page.
const pageNumber = z.number().int().min(1);
const backfillSchema = z.object({
	starsNextPage: pageNumber,
	releasesNextPage: pageNumber,
	isStarsDone: z.boolean(),
	isReleasesDone: z.boolean(),
	updatedAt: z.iso.datetime({ offset: true }).optional()
});
const contributorHistorySchema = z.object({
	nextPage: pageNumber,
	isDone: z.boolean(),
	firstMonths: z.record(z.string(), z.string()).catch({})
});

export function parseBackfillProgress(metadata: unknown): Omit<BackfillProgress, 'target' | 'displayName'> {
	const record = z.record(z.string(), z.unknown()).catch({}).parse(metadata);
	const backfill = backfillSchema.safeParse(record.backfill);
	const history = contributorHistorySchema.safeParse(record.contributorHistory);
	return {
		stars: backfill.success ? { pagesDone: backfill.data.starsNextPage - 1, isDone: backfill.data.isStarsDone } : null,
		releases: backfill.success ? { pagesDone: backfill.data.releasesNextPage - 1, isDone: backfill.data.isReleasesDone } : null,
		contributors: history.success
			? { pagesDone: history.data.nextPage - 1, isDone: history.data.isDone, identities: Object.keys(history.data.firstMonths).length }
			: null,
		lastProgressAt: backfill.success && backfill.data.updatedAt ? new Date(backfill.data.updatedAt).toISOString() : null
	};
}

/** Every GitHub repository target's backfill progress, by key. */
export async function listBackfillProgress(db: Db): Promise<BackfillProgress[]> {
	const rows = await db
		.select({ key: targets.key, displayName: targets.displayName, metadata: targets.metadata })
		.from(targets)
		.where(eq(targets.source, 'github'))
		.orderBy(asc(targets.key));
	return rows.map((row) => ({
		target: formatTargetRef({ source: 'github', key: row.key }),
		displayName: row.displayName,
		...parseBackfillProgress(row.metadata)
	}));
}

/** Which credentials are configured: names and whether set, never values. */
export function listCredentials(config: Config): Credential[] {
	return [
		{ name: 'GITHUB_TOKEN', isSet: config.github.token !== undefined, purpose: 'GitHub at 5,000 requests an hour instead of 60' },
		{ name: 'DOCKERHUB_USERNAME + DOCKERHUB_TOKEN', isSet: config.dockerhub.token !== undefined, purpose: 'Docker Hub above the anonymous rate limit' },
		{ name: 'ADMIN_TOKEN', isSet: config.adminToken !== undefined, purpose: 'writes need signing in' }
	];
}

export async function getHealthView(db: Db, config: Config, now: Date): Promise<HealthView> {
	const [health, backfill] = await Promise.all([getCollectionHealth(db, config, now), listBackfillProgress(db)]);
	const collectors = health.map((c) => ({ ...c, failureCounts: countFailuresByKind(c.recentRuns) }));
	return {
		collectors,
		overdue: collectors.filter((c) => c.isOverdue),
		backfill,
		credentials: listCredentials(config),
		notes: describeCredentials(config)
	};
}
