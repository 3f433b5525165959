import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	computeDailyRates,
	computeDailyValues,
	dayMs,
	defaultAnomalySettings,
	findAnomalies,
	scoreDailyDeltas,
	type DailyDelta,
	type DailyValue
} from '../../src/lib/server/metrics/anomalies.js';
import { computeMedian } from '../../src/lib/server/metrics/median.js';
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

/**
 * The scores as the method defines them, computed the slow and plain way: each day's window gathered
 * afresh and every median taken by sorting it. The scorer slides sorted windows along the series
 * instead; the two must agree exactly.
 */
function scoreByDefinition(deltas: readonly DailyDelta[], settings = defaultAnomalySettings): (number | undefined)[] {
	const median = (values: number[]) => {
		const sorted = [...values].sort((a, b) => a - b);
		const mid = sorted.length >> 1;
		return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
	};
	return deltas.map((day) => {
		const windowStartMs = day.dayMs - settings.windowDays * dayMs;
		const window = deltas.filter((d) => d.dayMs >= windowStartMs && d.dayMs < day.dayMs);
		if (deltas[0]!.dayMs > windowStartMs || window.length < settings.minWindowDeltas) return undefined;
		const center = median(window.map((d) => d.delta));
		const floor = Math.max(settings.madFloorAbs, settings.madFloorRatio * Math.abs(center));
		const overall = { center, mad: Math.max(floor, median(window.map((d) => Math.abs(d.delta - center)))) };
		const weekday = (d: DailyDelta) => new Date(d.dayMs).getUTCDay();
		const byWeekday = [0, 1, 2, 3, 4, 5, 6].map((w) => window.filter((d) => weekday(d) === w).map((d) => d.delta));
		if (byWeekday.some((values) => values.length < 3)) return 0.6745 * (day.delta - overall.center) / overall.mad;
		const expected = byWeekday.map(median);
		const residualMad = Math.max(floor, median(window.map((d) => Math.abs(d.delta - expected[weekday(d)]!))));
		if (Math.max(...expected) - Math.min(...expected) <= (settings.seasonalitySpan * residualMad) / 0.6745) {
			return (0.6745 * (day.delta - overall.center)) / overall.mad;
		}
		const dayCenter = expected[weekday(day)]!;
		const relativeMad = median(window.map((d) => Math.abs(d.delta - expected[weekday(d)]!) / expected[weekday(d)]!));
		const mad = expected.some((e) => e <= 0) ? residualMad : Math.max(floor, Math.max(settings.madFloorRatio, relativeMad) * dayCenter);
		return (0.6745 * (day.delta - dayCenter)) / mad;
	});
}

describe('the sliding scorer', () => {
	it('gives exactly the scores of the definition, on counters with gaps, weekly rhythms, bursts and drops (property)', () => {
		const day = fc.record({
			gapDays: fc.oneof({ weight: 12, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 9 }) }),
			// Mostly the counter's level give or take 15%; now and then a burst or a fall.
			change: fc.oneof({ weight: 20, arbitrary: fc.double({ min: 0.85, max: 1.15, noNaN: true }) }, fc.double({ min: -5, max: 50, noNaN: true })),
			chance: fc.double({ min: 0, max: 1, noNaN: true })
		});
		// One weekday may be observed only sometimes, so that windows with 2, 3 or 4 of it are common.
		const counter = fc.record({
			level: fc.constantFrom(1, 100, 10_000),
			weekendFactor: fc.constantFrom(1, 0.6, 0),
			sparseWeekday: fc.integer({ min: 0, max: 6 }),
			sparseRate: fc.constantFrom(1, 0.4),
			days: fc.array(day, { minLength: 1, maxLength: 220, size: 'max' })
		});
		fc.assert(
			fc.property(counter, ({ level, weekendFactor, sparseWeekday, sparseRate, days }) => {
				const values: DailyValue[] = [{ dayMs: startMs, value: 1_000 }];
				let dayMsNext = startMs;
				for (const { gapDays, change, chance } of days) {
					dayMsNext += gapDays * dayMs;
					const weekday = new Date(dayMsNext).getUTCDay();
					if (weekday === sparseWeekday && chance > sparseRate) continue;
					const factor = weekday === 0 || weekday === 6 ? weekendFactor : 1;
					values.push({ dayMs: dayMsNext, value: values.at(-1)!.value + Math.round(level * change * factor * gapDays) });
				}
				const deltas = computeDailyRates(values);
				const expected = scoreByDefinition(deltas);
				expect(scoreDailyDeltas(deltas).map((d) => d.score)).toEqual(expected);
			}),
			{ numRuns: 150, seed: 20_261_202 }
		);
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
			fc.property(fc.array(value, { minLength: 1, maxLength: 120, size: 'max' }), (values) => {
				// Equal as numbers: a selection may pick 0 where a sort picks -0, which scores the same.
				const [selected, sorted] = [computeMedian(values), sortedMedian(values)];
				expect(selected === sorted, `${selected} vs ${sorted}`).toBe(true);
			}),
			{ numRuns: 500, seed: 20_261_202 }
		);
	});
});
