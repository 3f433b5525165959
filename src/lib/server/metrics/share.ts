/**
 * Share of a basket: each series' value in a bucket as a percent of the sum of the selected series'
 * values in that bucket. A series with no sample in a bucket is left out of that bucket's sum (not
 * counted as 0): a series that starts later, or has a gap, would otherwise hand the others a share
 * they never had. `seriesCount` says how many series were in each sum, so a reader can see where the
 * basket was incomplete.
 */

export interface BasketTotal {
	total: number;
	/** How many of the selected series had a value in the bucket (and so are in `total`). */
	seriesCount: number;
}

/** value x 100 / total; null where the bucket's sum is 0 (or unknown), where no share is defined. */
export function computeShare(value: number, basket: BasketTotal | undefined): number | null {
	if (basket === undefined || basket.total === 0) return null;
	// Multiplying first keeps integer data exact where it can be (see createTransformer).
	return (value * 100) / basket.total;
}

/** The sum and count per time over series already aligned by bucket time (each [tMs, value] list in any order). */
export function sumBasket(series: readonly (readonly (readonly [number, number])[])[]): Map<number, BasketTotal> {
	const totals = new Map<number, BasketTotal>();
	for (const points of series) {
		for (const [tMs, value] of points) {
			const basket = totals.get(tMs);
			if (basket) {
				basket.total += value;
				basket.seriesCount++;
			} else totals.set(tMs, { total: value, seriesCount: 1 });
		}
	}
	return totals;
}
