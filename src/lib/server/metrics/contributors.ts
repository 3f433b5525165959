import { addMonths } from '../time.js';

/**
 * Contributor counts from first months: each identity (`login:x` or `email:y`) counts from the month
 * (YYYY-MM) of its first commit. Pure; shared by the contributor-history backfill (one repository) and
 * the scorecard's distinct contributors across repositories.
 */

/** Cumulative identities per month, from the first month through `lastMonth`. */
export function computeCumulativeContributors(firstMonths: Record<string, string>, lastMonth: string): [string, number][] {
	const newByMonth = new Map<string, number>();
	for (const month of Object.values(firstMonths)) newByMonth.set(month, (newByMonth.get(month) ?? 0) + 1);
	const months = [...newByMonth.keys()].sort();
	if (months.length === 0) return [];
	const points: [string, number][] = [];
	let total = 0;
	for (let month = months[0]!; month <= lastMonth; month = addMonths(month, 1)) {
		total += newByMonth.get(month) ?? 0;
		points.push([month, total]);
	}
	return points;
}

/** The union of several repositories' first months: an identity seen in several counts once, from its earliest. */
export function mergeIdentityMonths(histories: readonly Record<string, string>[]): Record<string, string> {
	const merged: Record<string, string> = {};
	for (const firstMonths of histories) {
		for (const [identity, month] of Object.entries(firstMonths)) {
			const known = merged[identity];
			if (known === undefined || month < known) merged[identity] = month;
		}
	}
	return merged;
}
