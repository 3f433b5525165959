/**
 * A sliding window of numbers kept sorted as values enter and leave it: its median is read off the
 * middle, and its median distance from a center by walking out from the center on both sides, where
 * a selection over the whole window would be needed per day otherwise. A window of a few dozen values
 * makes each insert and removal a short memmove of one typed array.
 */
export class SortedWindow {
	private values: Float64Array;
	size = 0;

	constructor(capacity: number) {
		this.values = new Float64Array(Math.max(1, capacity));
	}

	/** Index of the first value >= x (or size). */
	private lowerBound(x: number): number {
		let low = 0;
		let high = this.size;
		while (low < high) {
			const mid = (low + high) >> 1;
			if (this.values[mid]! < x) low = mid + 1;
			else high = mid;
		}
		return low;
	}

	insert(x: number): void {
		if (this.size === this.values.length) {
			const grown = new Float64Array(this.values.length * 2);
			grown.set(this.values);
			this.values = grown;
		}
		const at = this.lowerBound(x);
		this.values.copyWithin(at + 1, at, this.size);
		this.values[at] = x;
		this.size++;
	}

	/** Removes one occurrence of x, which the window must hold. */
	remove(x: number): void {
		const at = this.lowerBound(x);
		if (at === this.size || this.values[at] !== x) throw new Error(`SortedWindow.remove: ${x} is not in the window`);
		this.values.copyWithin(at, at + 1, this.size);
		this.size--;
	}

	/** The median (the mean of the two middle values for an even count); NaN when empty. */
	median(): number {
		const mid = this.size >> 1;
		if (this.size % 2 === 1) return this.values[mid]!;
		return this.size === 0 ? NaN : (this.values[mid - 1]! + this.values[mid]!) / 2;
	}

	/**
	 * The median of |x - center| over the window. The distances of the values below the center grow
	 * as one walks down from it, and those above as one walks up, so merging the two walks yields the
	 * distances in order; the middle ones are the median, in half a pass.
	 */
	medianDistance(center: number): number {
		const n = this.size;
		if (n === 0) return NaN;
		const mid = n >> 1;
		let below = this.lowerBound(center) - 1;
		let above = below + 1;
		let previous = NaN;
		let current = NaN;
		for (let rank = 0; rank <= mid; rank++) {
			const downward = below >= 0 ? Math.abs(this.values[below]! - center) : Infinity;
			const upward = above < n ? Math.abs(this.values[above]! - center) : Infinity;
			previous = current;
			if (downward <= upward) {
				current = downward;
				below--;
			} else {
				current = upward;
				above++;
			}
		}
		return n % 2 === 1 ? current : (previous + current) / 2;
	}

	/** Writes |value - center| (divided by `divisor`) of every value into `target` from `offset`; returns the offset after them. */
	writeDistances(target: Float64Array, offset: number, center: number, divisor: number | undefined): number {
		for (let k = 0; k < this.size; k++) {
			const distance = Math.abs(this.values[k]! - center);
			target[offset++] = divisor === undefined ? distance : distance / divisor;
		}
		return offset;
	}
}
