import { describe, expect, it } from 'vitest';
import { buildChartDatasets, computeXValues, countDrawnPoints, shiftUtcToLocalLabels, type ChartSeriesInput } from '../../src/lib/charts/datasets.js';
import { buildChartFileName } from '../../src/lib/charts/file-name.js';
import { buildAnnotations, describePoint } from '../../src/lib/charts/options.js';

const options = { align: false, log: false, palette: ['blue', 'green'], flagColor: 'red', hollowFill: 'white' };

function makeSeries(overrides: Partial<ChartSeriesInput> = {}): ChartSeriesInput {
	return {
		series: 'github:moby/moby:stars',
		targetName: 'moby/moby',
		metric: 'stars',
		points: [
			['2015-01-01T00:00:00.000Z', 100],
			['2015-01-03T00:00:00.000Z', 120],
			['2015-01-10T00:00:00.000Z', 150],
			['2015-01-11T00:00:00.000Z', 140]
		],
		pointProvenance: ['reference', 'imported', 'observed', 'observed'],
		pointFlags: [[], [], [], ['decrease']],
		...overrides
	};
}

describe('chart datasets', () => {
	it('gives each provenance its own mark and flagged points a red triangle', () => {
		const { datasets, provenanceSeen, flaggedCount } = buildChartDatasets([makeSeries()], options);
		const d = datasets[0]!;
		expect(d.label).toBe('moby/moby · stars');
		expect(d.pointStyle).toEqual(['rectRot', 'circle', 'circle', 'triangle']);
		expect(d.pointBackgroundColor).toEqual(['blue', 'white', 'blue', 'red']);
		expect(d.pointBorderColor).toEqual(['blue', 'blue', 'blue', 'red']);
		expect(d.pointRadius[1]).toBeGreaterThan(d.pointRadius[2]!);
		expect(provenanceSeen.sort()).toEqual(['imported', 'observed', 'reference']);
		expect(flaggedCount).toBe(1);
	});

	it('marks anomaly spikes and drops, a drop-only point pointing down, counted apart from counter flags', () => {
		const spiky = makeSeries({
			pointProvenance: ['observed', 'observed', 'observed', 'observed'],
			pointFlags: [['spike'], ['drop'], ['decrease', 'drop'], []],
			anomalies: [
				{ t: '2015-01-01T00:00:00.000Z', day: '2015-01-01', kind: 'spike', score: 7.25 },
				{ t: '2015-01-03T00:00:00.000Z', day: '2015-01-03', kind: 'drop', score: -4.5 },
				{ t: '2015-01-10T00:00:00.000Z', day: '2015-01-09', kind: 'drop', score: -3.61 }
			]
		});
		const { datasets, flaggedCount, anomalyCount } = buildChartDatasets([spiky], options);
		const d = datasets[0]!;
		expect(d.pointStyle).toEqual(['triangle', 'triangle', 'triangle', 'circle']);
		expect(d.pointRotation).toEqual([0, 180, 0, 0]);
		expect(flaggedCount).toBe(1);
		expect(anomalyCount).toBe(3);
		expect(describePoint(d.data[0]!, 'value').details).toEqual(['provenance: observed', 'flagged: spike', 'spike on 2015-01-01 (score 7.3)']);
		expect(describePoint(d.data[2]!, 'value').details).toEqual(['provenance: observed', 'flagged: decrease, drop', 'drop on 2015-01-09 (score -3.6)']);
	});

	it('names a series rebuilt before a date and observed from it, and what each part counts', () => {
		const contributors = makeSeries({
			series: 'github:moby/moby:contributors',
			metric: 'contributors',
			points: [['2026-09-30T00:00:00Z', 2400], ['2026-10-31T00:00:00Z', 2410], ['2026-11-02T03:15:00Z', 2491], ['2026-11-03T03:15:00Z', 2492]],
			pointProvenance: ['reconstructed', 'reconstructed', 'observed', 'observed'],
			pointFlags: [[], [], [], []]
		});
		const observedOnly = makeSeries({ series: 'a:b:stars', pointProvenance: ['observed', 'observed', 'observed', 'observed'] });
		const { methodSwitches } = buildChartDatasets([contributors, observedOnly, makeSeries()], options);
		expect(methodSwitches).toEqual([
			{
				label: 'moby/moby · contributors',
				observedFrom: '2026-11-02',
				definition: { reconstructed: 'accounts and e-mails from the commits, bots left out', observed: "GitHub's contributors list, anonymous authors included" }
			}
		]);
	});

	it('dashes the segments that lead to an imported or reconstructed point', () => {
		const d = buildChartDatasets([makeSeries()], options).datasets[0]!;
		expect([1, 2, 3].map((i) => d.segment.borderDash({ p1DataIndex: i }))).toEqual([[6, 4], undefined, undefined]);
	});

	it('puts points at their epoch time, or at days since the first point when aligned by age', () => {
		const s = makeSeries();
		expect(computeXValues(s.points, false)).toEqual(s.points.map(([t]) => shiftUtcToLocalLabels(Date.parse(t))));
		expect(computeXValues(s.points, true)).toEqual([0, 2, 9, 10]);
		const aligned = buildChartDatasets([s, makeSeries({ series: 'b:x:y', points: [['2020-06-01T00:00:00Z', 1], ['2020-06-08T00:00:00Z', 2]] })], { ...options, align: true });
		expect(aligned.datasets.map((d) => d.data.map((p) => p.x))).toEqual([[0, 2, 9, 10], [0, 7]]);
	});

	it('moves instants so that the browser-zone axis labels read the UTC date, in any zone', () => {
		const savedZone = process.env.TZ;
		try {
			for (const zone of ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Auckland', 'America/Santiago']) {
				process.env.TZ = zone;
				for (const iso of ['2015-06-22T00:00:00Z', '2015-01-01T00:00:00Z', '2026-03-08T00:00:00Z', '2026-11-01T00:00:00Z', '2026-09-06T00:00:00Z', '2026-04-05T00:00:00Z']) {
					const shifted = new Date(shiftUtcToLocalLabels(Date.parse(iso)));
					const local = [shifted.getFullYear(), shifted.getMonth() + 1, shifted.getDate()];
					expect([zone, iso, ...local]).toEqual([zone, iso, Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))]);
					// Midnight, or 01:00 where a DST jump skips local midnight (Santiago, 2026-09-06).
					expect(shifted.getHours()).toBeLessThanOrEqual(1);
				}
			}
		} finally {
			if (savedZone === undefined) delete process.env.TZ;
			else process.env.TZ = savedZone;
		}
	});

	it('leaves values at or below zero off a log axis and counts them', () => {
		const s = makeSeries({ points: [['2015-01-01T00:00:00Z', 0], ['2015-01-02T00:00:00Z', -5], ['2015-01-03T00:00:00Z', 3], ['2015-01-04T00:00:00Z', null]] });
		const linear = buildChartDatasets([s], options);
		expect(linear.datasets[0]!.data.map((p) => p.y)).toEqual([0, -5, 3, null]);
		expect(linear.hiddenForLog).toBe(0);
		const log = buildChartDatasets([s], { ...options, log: true });
		expect(log.datasets[0]!.data.map((p) => p.y)).toEqual([null, null, 3, null]);
		expect(log.hiddenForLog).toBe(2);
		expect(countDrawnPoints(log.datasets)).toEqual([1]);
	});

	it('colours series from the palette in order, wrapping round', () => {
		const three = buildChartDatasets([makeSeries(), makeSeries({ series: 'a:b:c' }), makeSeries({ series: 'd:e:f' })], options);
		expect(three.datasets.map((d) => d.borderColor)).toEqual(['blue', 'green', 'blue']);
	});
});

describe('chart texts', () => {
	it('shows the exact value, the ISO date, the provenance and the flags of a point', () => {
		const point = { x: 0, y: 12_981_954_060, date: '2015-06-22T00:00:00.000Z', provenance: 'imported' as const, flags: ['decrease', 'jump'] };
		expect(describePoint(point, 'value')).toEqual({ value: '12,981,954,060', details: ['provenance: imported', 'flagged: decrease, jump'] });
		expect(describePoint({ ...point, y: 18.25, flags: [] }, 'growth')).toEqual({ value: '+18%', details: ['provenance: imported'] });
	});

	it('draws one line per event, none when aligned by age', () => {
		const theme = { fg: 'a', muted: 'b', grid: 'c', surface: 'd', accent: 'e', bad: 'f', warn: 'g', palette: [] };
		const events = [{ id: 7, ts: '2015-06-22T00:00:00Z', kind: 'manual' as const, label: 'DockerCon' }];
		const lines = buildAnnotations({ align: false, events, theme }) as Record<string, { value: number; label: { content: string } }>;
		expect(Object.keys(lines)).toEqual(['event-7']);
		expect(lines['event-7']!.value).toBe(shiftUtcToLocalLabels(Date.parse('2015-06-22T00:00:00Z')));
		expect(lines['event-7']!.label.content).toBe('DockerCon');
		expect(buildAnnotations({ align: true, events, theme })).toEqual({});
	});

	it('names a PNG after its series, interval, transform and range', () => {
		expect(buildChartFileName({ series: ['github:moby/moby:stars'], interval: 'month', transform: 'index', from: '2015-01-01', log: true })).toBe(
			'dockpulse_github-moby-moby-stars_month_index-log_2015-01-01_to_today'
		);
	});
});
