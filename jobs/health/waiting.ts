import type { Db } from '../../src/lib/server/db/client.js';
import { listActiveTargets } from '../../src/lib/server/db/queries/collection-targets.js';
import { countWaiting } from '../collectors/github/anonymous-budget.js';

/**
 * The health page's notes on GitHub repositories left for a later run by the anonymous budget
 * (jobs/collectors/github/anonymous-budget.ts): waiting, not failed, so they are said here rather
 * than among the failures.
 */

const repositories = (n: number) => (n === 1 ? '1 repository waits' : `${n} repositories wait`);

export function describeBudgetWaits(targets: readonly { metadata: Record<string, unknown> }[]): string[] {
	const notes: string[] = [];
	const counters = countWaiting(targets, 'github');
	if (counters > 0) notes.push(`${repositories(counters)} for the next hour: anonymous GitHub budget`);
	const contributors = countWaiting(targets, 'github-contributors');
	if (contributors > 0) notes.push(`${repositories(contributors)} for the next daily contributor count: anonymous GitHub budget`);
	const downloads = countWaiting(targets, 'github-downloads');
	if (downloads > 0) notes.push(`${repositories(downloads)} for the next daily release downloads count: anonymous GitHub budget`);
	return notes;
}

export async function listBudgetWaitNotes(db: Db): Promise<string[]> {
	return describeBudgetWaits(await listActiveTargets(db, 'github'));
}
