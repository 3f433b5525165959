import { describe, expect, it } from 'vitest';
import { buildForecastDatasets, withAlpha } from '../../src/lib/charts/forecast-datasets.js';
import type { ForecastBand } from '../../src/lib/types/forecast.js';

const band: ForecastBand = {
	series: 'github:moby/moby:stars',
	points: [
		['2026-05-01T00:00:00.000Z', 110, 105, 115, 100, 120],
		['2026-05-02T00:00:00.000Z', 120, 110, 130, 104, 136]
	]
};

describe('forecast datasets', () => {
	it('draws the 95% and 80% bands as shaded pairs of edges, then the dashed projection', () => {
		const datasets = buildForecastDatasets(band, 'moby/moby · stars', '#1d63ed');
		expect(datasets.map((d) => [d.label, d.fill, d.isBand, d.data.map((p) => p.y)])).toEqual([
			['moby/moby · stars · 95% upper', false, true, [120, 136]],
			['moby/moby · stars · 95% lower', '-1', true, [100, 104]],
			['moby/moby · stars · 80% upper', false, true, [115, 130]],
			['moby/moby · stars · 80% lower', '-1', true, [105, 110]],
			['moby/moby · stars · projected', false, false, [110, 120]]
		]);
		const projected = datasets[4]!;
		expect(projected).toMatchObject({ borderColor: '#1d63ed', borderDash: [6, 4], series: band.series });
		expect(projected.data.every((p) => p.isProjected && p.date.startsWith('2026-05-0'))).toBe(true);
		expect(datasets[1]!.backgroundColor).toBe('rgba(29, 99, 237, 0.12)');
		expect(datasets[3]!.backgroundColor).toBe('rgba(29, 99, 237, 0.22)');
	});

	it('shades with a translucent copy of the hex or rgb colour, and nothing for an unknown notation', () => {
		expect(withAlpha('#e8590c', 0.5)).toBe('rgba(232, 89, 12, 0.5)');
		expect(withAlpha('rgb(29, 99, 237)', 0.2)).toBe('rgba(29, 99, 237, 0.2)');
		expect(withAlpha('oklch(60% 0.1 250)', 0.2)).toBe('transparent');
	});
});
