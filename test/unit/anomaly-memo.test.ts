import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findAnomalies } from '../../src/lib/server/metrics/anomalies.js';
import { findAnomaliesRemembered } from '../../src/lib/server/metrics/anomaly-memo.js';
import { generateCounter } from '../helpers/synthetic-counter.js';

/** Anomalies remembered by the content of the scored days: the same answer as scoring, never a stale one. */

const counter = (seed: number, days = 200) =>
	generateCounter({ seed, days, startRate: 1_000, growthPerDay: 2, noise: 0.15, weekendFactor: 0.6, plantRate: 0.05, quietDays: 60 }).days;

describe('anomalies remembered by the days they were scored on', () => {
	it('answers what scoring answers, for any counter (property)', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2, max: 300 }), (seed, days) => {
				const history = counter(seed, days);
				expect(findAnomaliesRemembered(history)).toEqual(findAnomalies(history));
			}),
			{ numRuns: 60, seed: 20_261_202 }
		);
	});

	it('serves the same days from memory, and scores days that changed anew', () => {
		const history = counter(7);
		const first = findAnomaliesRemembered(history);
		expect(first.length).toBeGreaterThan(0);
		// A copy with equal content is the same key: the remembered answer itself.
		expect(findAnomaliesRemembered(history.map((d) => ({ ...d })))).toBe(first);
		// One day's value changed (a later poll, a backfill): scored again, and right.
		const changed = history.map((d) => ({ ...d }));
		const spiked = changed.length - 20;
		for (let i = spiked; i < changed.length; i++) changed[i]!.value += 50_000;
		const rescored = findAnomaliesRemembered(changed);
		expect(rescored).not.toBe(first);
		expect(rescored).toEqual(findAnomalies(changed));
		expect(rescored.some((a) => a.dayMs === changed[spiked]!.dayMs && a.kind === 'spike')).toBe(true);
	});
});
