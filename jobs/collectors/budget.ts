import type { HttpStats } from './http.js';

/**
 * Whether a backfill run may make another request: under maxRequests, and under its share of the rate
 * budget it started with (requests made + budget left), once an answer has told what that is. The
 * rest of the budget stays for the hourly collection.
 */
export function hasBudget(stats: HttpStats, maxRequests: number, share: number): boolean {
	if (stats.requests >= maxRequests) return false;
	if (stats.rateBudgetLeft === undefined) return true;
	return stats.requests < Math.floor(share * (stats.rateBudgetLeft + stats.requests));
}
