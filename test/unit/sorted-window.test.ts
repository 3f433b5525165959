import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedWindow } from '../../src/lib/server/metrics/sorted-window.js';

const sortedMedian = (values: readonly number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

describe('a sorted sliding window', () => {
	it('answers the median and the median distance that sorting the window gives, as values enter and leave it (property)', () => {
		const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }));
		// Each step enters a value, then lets the oldest ones leave while the window is longer than `length`.
		const steps = fc.array(fc.record({ value, length: fc.integer({ min: 1, max: 20 }) }), { minLength: 1, maxLength: 150, size: 'max' });
		fc.assert(
			fc.property(steps, fc.double({ min: -1e9, max: 1e9, noNaN: true }), (plan, center) => {
				// A capacity of 2 makes the window grow its buffer along the way.
				const window = new SortedWindow(2);
				const held: number[] = [];
				for (const { value: entering, length } of plan) {
					window.insert(entering);
					held.push(entering);
					while (held.length > length) window.remove(held.shift()!);
					expect(window.size).toBe(held.length);
					expect(window.median() === sortedMedian(held)).toBe(true);
					for (const from of [center, window.median()]) {
						const expected = sortedMedian(held.map((x) => Math.abs(x - from)));
						expect(window.medianDistance(from) === expected, `${window.medianDistance(from)} vs ${expected}`).toBe(true);
					}
				}
			}),
			{ numRuns: 300, seed: 20_261_202 }
		);
	});

	it('refuses to remove a value it does not hold, and has no median when empty', () => {
		const window = new SortedWindow(4);
		expect(window.median()).toBeNaN();
		expect(window.medianDistance(0)).toBeNaN();
		window.insert(3);
		expect(() => window.remove(4)).toThrow(/4 is not in the window/);
		window.remove(3);
		expect(window.size).toBe(0);
	});
});
