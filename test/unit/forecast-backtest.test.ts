import { describe, expect, it } from 'vitest';
import { backtestForecast } from '../../src/lib/server/forecast/backtest.js';
import { dayMs } from '../../src/lib/server/metrics/forecast.js';
import { listRealworldFiles } from '../helpers/realworld.js';

const startMs = Date.UTC(2025, 0, 1);

describe('forecast backtest', () => {
	it('measures no error and full coverage on a counter that keeps its rate', () => {
		const points = Array.from({ length: 300 }, (_, i) => [startMs + i * dayMs, 5_000 + 250 * i] as [number, number]);
		expect(backtestForecast(points, 90)).toEqual({
			ok: true,
			result: { days: 90, mapePercent: 0, growthErrorPercent: 0, inside80Percent: 100, inside95Percent: 100 }
		});
	});

	it('measures the error of a counter that doubled its rate in the hidden days', () => {
		// 100 a day for 200 days, then 200 a day: the projection (100 a day) misses half the growth.
		const points = Array.from({ length: 290 }, (_, i) => [startMs + i * dayMs, i <= 199 ? 100 * i : 19_900 + 200 * (i - 199)] as [number, number]);
		const outcome = backtestForecast(points, 90);
		if (!outcome.ok) throw new Error(outcome.reason);
		expect(outcome.result.growthErrorPercent).toBeCloseTo(50, 6);
		expect(outcome.result.inside80Percent).toBe(0);
	});

	it('says why a history no longer than the hidden days cannot be backtested', () => {
		const points = Array.from({ length: 60 }, (_, i) => [startMs + i * dayMs, i] as [number, number]);
		expect(backtestForecast(points, 90)).toEqual({ ok: false, reason: 'the history is not longer than the 90 hidden days' });
	});

	it('stays within loose bounds on every real recorded history (the figures are in the README)', () => {
		const results = listRealworldFiles().map((file) => {
			const outcome = backtestForecast(file.rows.map(([iso, value]) => [Date.parse(iso), value]), 90);
			if (!outcome.ok) throw new Error(`${file.name}: ${outcome.reason}`);
			return outcome.result;
		});
		expect(results).toHaveLength(12);
		for (const r of results) expect(r.mapePercent).toBeLessThan(10);
		const meanInside80 = results.reduce((s, r) => s + r.inside80Percent, 0) / results.length;
		expect(meanInside80).toBeGreaterThan(40);
		expect(results.every((r) => r.inside95Percent >= r.inside80Percent)).toBe(true);
	});
});
