import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	computeDailyRates,
	computeDailyValues,
	computeMedian,
	dayMs,
	defaultAnomalySettings,
	findAnomalies,
	scoreDailyDeltas,
	type DailyValue
} from '../../src/lib/server/metrics/anomalies.js';
import { listRealworldFiles } from '../helpers/realworld.js';
import { addFigures, generateCounter, type DetectionFigures, type SyntheticSpec } from '../helpers/synthetic-counter.js';

// A Monday, so that weekday arithmetic in the tests reads plainly.
const startMs = Date.UTC(2026, 0, 5);
const window = defaultAnomalySettings.windowDays;

/** A counter from its daily deltas: day 0 holds 1,000, day i adds deltas[i - 1]. */
function fromDeltas(deltas: readonly number[]): DailyValue[] {
	const days: DailyValue[] = [{ dayMs: startMs, value: 1_000 }];
	deltas.forEach((delta, i) => days.push({ dayMs: startMs + (i + 1) * dayMs, value: days[i]!.value + delta }));
	return days;
}
const dayOf = (deltaIndex: number) => startMs + (deltaIndex + 1) * dayMs;

describe('anomaly scores of daily deltas', () => {
	it('flags a spike and a drop in a steady counter with their robust scores (the MAD floored at 5% of the median)', () => {
		const deltas = Array(120).fill(100);
		deltas[80] = 300;
		deltas[100] = 0;
		// MAD is 0, floored at 5 (5% of 100): 0.6745 x 200 / 5 and 0.6745 x -100 / 5.
		expect(findAnomalies(fromDeltas(deltas))).toEqual([
			{ dayMs: dayOf(80), kind: 'spike', score: expect.closeTo(26.98, 6) },
			{ dayMs: dayOf(100), kind: 'drop', score: expect.closeTo(-13.49, 6) }
		]);
	});

	it(`does not score the first ${window} days, however odd`, () => {
		const deltas = Array(90).fill(100);
		deltas[window - 1] = 10_000;
		deltas[window] = 10_000;
		const scores = scoreDailyDeltas(computeDailyRates(fromDeltas(deltas)));
		expect(scores.slice(0, window).every((d) => d.score === undefined)).toBe(true);
		expect(scores[window]!.score).toBeGreaterThan(100);
	});

	it('floors the MAD of a flat series so one more star is no anomaly', () => {
		const deltas = Array(80).fill(0);
		deltas[70] = 1;
		deltas[75] = 8;
		const scores = scoreDailyDeltas(computeDailyRates(fromDeltas(deltas)));
		expect(scores[70]!.score).toBeCloseTo(0.6745, 6);
		expect(findAnomalies(fromDeltas(deltas)).map((a) => [a.dayMs, a.kind])).toEqual([[dayOf(75), 'spike']]);
	});

	it('spreads a gap over its days, so a catch-up after missed days is no spike', () => {
		const days = fromDeltas(Array(100).fill(100)).filter((_, i) => i < 80 || i > 82);
		const rates = computeDailyRates(days);
		expect(rates.find((r) => r.dayMs === startMs + 83 * dayMs)!.delta).toBe(100);
		expect(findAnomalies(days)).toEqual([]);
	});

	it('judges a weekly-seasonal series per weekday: a quiet Sunday is usual, a quiet Wednesday a drop', () => {
		// Weekdays about 100, weekends 40, with a small deterministic wobble.
		const deltas = Array.from({ length: 140 }, (_, i) => {
			const weekday = new Date(dayOf(i)).getUTCDay();
			return (weekday === 0 || weekday === 6 ? 40 : 100) + ((i * 7) % 5) - 2;
		});
		const wednesday = deltas.findIndex((_, i) => i > 100 && new Date(dayOf(i)).getUTCDay() === 3);
		deltas[wednesday] = 40;
		const scores = scoreDailyDeltas(computeDailyRates(fromDeltas(deltas)));
		expect(scores.filter((d) => d.score !== undefined).every((d) => d.isSeasonal)).toBe(true);
		expect(findAnomalies(fromDeltas(deltas)).map((a) => [a.dayMs, a.kind])).toEqual([[dayOf(wednesday), 'drop']]);
	});

	it('judges a series without a weekly rhythm against the whole window', () => {
		const deltas = Array.from({ length: 120 }, (_, i) => 100 + ((i * 7) % 11) - 5);
		const scores = scoreDailyDeltas(computeDailyRates(fromDeltas(deltas)));
		expect(scores.some((d) => d.score !== undefined)).toBe(true);
		expect(scores.some((d) => d.isSeasonal)).toBe(false);
		expect(findAnomalies(fromDeltas(deltas))).toEqual([]);
	});

	it('keeps the last value of each UTC day', () => {
		const samples = [
			{ tMs: startMs + 1_000, value: 1 },
			{ tMs: startMs + 50_000_000, value: 2 },
			{ tMs: startMs + dayMs, value: 3 },
			{ tMs: startMs + 3 * dayMs + 5, value: 7 }
		];
		expect(computeDailyValues(samples)).toEqual([
			{ dayMs: startMs, value: 2 },
			{ dayMs: startMs + dayMs, value: 3 },
			{ dayMs: startMs + 3 * dayMs, value: 7 }
		]);
	});
});

/** Planted anomalies found (with the right kind), and flags on days where none was planted. */
function measure(spec: SyntheticSpec): DetectionFigures {
	const counter = generateCounter(spec);
	const figures: DetectionFigures = { planted: 0, found: 0, clean: 0, falseFlags: 0 };
	const flagged = new Map(findAnomalies(counter.days).map((a) => [a.dayMs, a.kind]));
	for (const day of scoreDailyDeltas(computeDailyRates(counter.days))) {
		if (day.score === undefined) continue;
		const planted = counter.planted.get(day.dayMs);
		if (planted) {
			figures.planted++;
			if (flagged.get(day.dayMs) === planted) figures.found++;
		} else {
			figures.clean++;
			if (flagged.has(day.dayMs)) figures.falseFlags++;
		}
	}
	return figures;
}

const baseSpec = { days: 400, startRate: 10_000, growthPerDay: 20, plantRate: 0.02, quietDays: window + 1 };

describe('anomaly detection on synthetic counters with planted spikes and drops (figures in the README)', () => {
	it.each([
		// Measured: recall 100% in all four; false-positive rate 0.01%, 0.70%, 0.03% and 1.49%.
		['steady, 5% noise', { noise: 0.05, weekendFactor: 1 }, 0.99, 0.001],
		['steady, 10% noise', { noise: 0.1, weekendFactor: 1 }, 0.99, 0.01],
		['weekend dip to 60%, 5% noise', { noise: 0.05, weekendFactor: 0.6 }, 0.99, 0.001],
		['weekend dip to 60%, 10% noise', { noise: 0.1, weekendFactor: 0.6 }, 0.99, 0.02]
	])('%s: recall and false-positive rate over 20 seeded series', (_, shape, minRecall, maxFalseRate) => {
		let total: DetectionFigures = { planted: 0, found: 0, clean: 0, falseFlags: 0 };
		for (let seed = 1; seed <= 20; seed++) total = addFigures(total, measure({ ...baseSpec, ...shape, seed }));
		expect(total.planted).toBeGreaterThan(100);
		expect(total.found / total.planted).toBeGreaterThanOrEqual(minRecall);
		expect(total.falseFlags / total.clean).toBeLessThanOrEqual(maxFalseRate);
	});
});

describe('anomaly flags on the real recorded series (counts in the README)', () => {
	it('flags some days of every busy series, and a minority of them', () => {
		const files = listRealworldFiles();
		expect(files).toHaveLength(12);
		for (const file of files) {
			const days = computeDailyValues(file.rows.map(([iso, value]) => ({ tMs: Date.parse(iso), value })));
			const scored = scoreDailyDeltas(computeDailyRates(days)).filter((d) => d.score !== undefined).length;
			const flags = findAnomalies(days);
			expect(scored, file.name).toBeGreaterThan(300);
			expect(flags.length / scored, file.name).toBeLessThan(0.25);
			expect(flags.every((f) => (f.kind === 'spike') === f.score > 0)).toBe(true);
		}
	});
});

describe('the median that scoring selects', () => {
	it('is the median of the sorted values, for any values, duplicates and even counts included (property)', () => {
		const sortedMedian = (values: number[]) => {
			const sorted = [...values].sort((a, b) => a - b);
			const mid = sorted.length >> 1;
			return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
		};
		const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e9, max: 1e9, noNaN: true }));
		fc.assert(
			fc.property(fc.array(value, { minLength: 1, maxLength: 120 }), (values) => {
				// Equal as numbers: a selection may pick 0 where a sort picks -0, which scores the same.
				const [selected, sorted] = [computeMedian(values), sortedMedian(values)];
				expect(selected === sorted, `${selected} vs ${sorted}`).toBe(true);
			}),
			{ numRuns: 500, seed: 20_261_202 }
		);
	});
});
