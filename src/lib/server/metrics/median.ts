/**
 * Medians by selection (Hoare's quickselect) over typed arrays, for the anomaly scores: the distances
 * from each weekday's median, which no sorted window holds in order, are selected afresh each day.
 */

export function computeMedian(values: readonly number[]): number {
	return computeMedianInPlace(Float64Array.from(values), 0, values.length);
}

/**
 * The median of `n` numbers of `buffer` from `from`, reordering them in place: for the distances from
 * each weekday's median, which no sorted window holds in order. A selection (Hoare's quickselect,
 * linear on average) instead of a sort, and the same values as sorting would pick, so the same medians.
 */
export function computeMedianInPlace(buffer: Float64Array, from: number, n: number): number {
	const mid = from + (n >> 1);
	const upper = selectInPlace(buffer, from, from + n - 1, mid);
	if (n % 2 === 1) return upper;
	// After the selection everything before `mid` is at most buffer[mid]: the lower middle is their largest.
	let lower = buffer[from]!;
	for (let k = from + 1; k < mid; k++) if (buffer[k]! > lower) lower = buffer[k]!;
	return (lower + upper) / 2;
}

/** Puts the number of rank k (an index in [left, right]) at k, smaller ones before it, larger after; returns it. */
function selectInPlace(buffer: Float64Array, left: number, right: number, k: number): number {
	while (right > left) {
		// Median of three as the pivot: sorted or nearly sorted windows (a growing counter) stay linear.
		const middle = (left + right) >> 1;
		const a = buffer[left]!;
		const b = buffer[middle]!;
		const c = buffer[right]!;
		const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
		let i = left;
		let j = right;
		while (i <= j) {
			while (buffer[i]! < pivot) i++;
			while (buffer[j]! > pivot) j--;
			if (i <= j) {
				const swap = buffer[i]!;
				buffer[i] = buffer[j]!;
				buffer[j] = swap;
				i++;
				j--;
			}
		}
		if (k <= j) right = j;
		else if (k >= i) left = i;
		else break;
	}
	return buffer[k]!;
}
