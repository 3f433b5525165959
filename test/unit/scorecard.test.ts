import { describe, expect, it } from 'vitest';
import { measures } from '../../src/lib/server/scorecard/measures.js';
import { listScorecardPresets } from '../../src/lib/server/scorecard/presets.js';
import { buildScorecardRow } from '../../src/lib/server/scorecard/rows.js';
import { computeSumGrowth, type MemberSamples } from '../../src/lib/server/scorecard/sum.js';

const at = (date: string, value: number) => ({ ts: new Date(`${date}T00:00:00Z`), value });
const published = { start: new Date('2014-06-09T00:00:00Z'), end: new Date('2015-06-22T23:59:59.999Z') };
const member = (series: string, samples: Partial<Omit<MemberSamples, 'series'>>): MemberSamples => ({
	series,
	atStart: undefined,
	atEnd: undefined,
	firstFromStart: undefined,
	atPreviousStart: undefined,
	...samples
});
const measure = (id: string) => measures.find((m) => m.id === id)!;

describe('scorecard sums', () => {
	it("measures moby's contributors between the month ends before 2014-06-09 and 2015-06-22: 525 -> 1,130, +115%", () => {
		const sum = computeSumGrowth(
			[member('import:moby-git-log:contributors', { atPreviousStart: at('2013-04-30', 61), atStart: at('2014-05-31', 525), atEnd: at('2015-05-31', 1_130), firstFromStart: at('2014-06-30', 590) })],
			published.start
		)!;
		expect(sum.start).toEqual({ value: 525, ts: new Date('2014-05-31T00:00:00Z'), oldestTs: new Date('2014-05-31T00:00:00Z') });
		expect(sum.end.value).toBe(1_130);
		expect(sum.growth!.percent).toBeCloseTo(115.238, 3);
		// The period before, 2013-05-27 -> 2014-06-09: 61 (end of April 2013) -> 525.
		expect(sum.previousPercent).toBeCloseTo(760.656, 3);
		expect(sum.isBaseFirstInPeriod).toBe(false);
	});

	it('sums the series with values in the period, from the first value of one that starts inside it, and leaves out one without any', () => {
		const sum = computeSumGrowth(
			[
				member('dockerhub:library/nginx:pulls', { atStart: at('2014-06-01', 1_000), atEnd: at('2015-06-20', 5_000), atPreviousStart: at('2013-06-01', 500) }),
				member('dockerhub:library/redis:pulls', { firstFromStart: at('2014-09-01', 200), atEnd: at('2015-06-21', 1_000) }),
				member('dockerhub:library/gone:pulls', { atEnd: at('2014-01-01', 9_999), atStart: at('2014-01-01', 9_999) })
			],
			published.start
		)!;
		expect(sum.counted).toEqual(['dockerhub:library/nginx:pulls', 'dockerhub:library/redis:pulls']);
		expect(sum.left).toEqual(['dockerhub:library/gone:pulls']);
		expect(sum.start).toEqual({ value: 1_200, ts: new Date('2014-09-01T00:00:00Z'), oldestTs: new Date('2014-06-01T00:00:00Z') });
		expect(sum.end).toEqual({ value: 6_000, ts: new Date('2015-06-21T00:00:00Z'), oldestTs: new Date('2015-06-20T00:00:00Z') });
		expect(sum.growth!.percent).toBe(400);
		// Only nginx has both ends of the period before: 500 -> 1,000.
		expect(sum.previousPercent).toBe(100);
		expect(sum.isBaseFirstInPeriod).toBe(true);
	});

	it('reads one value in the period as a level, not as 0% growth, and nothing at all as no measure', () => {
		const level = computeSumGrowth([member('ecosystem:dockerhub-repos:docker:repositories', { firstFromStart: at('2015-01-01', 10_000), atEnd: at('2015-01-01', 10_000) })], published.start)!;
		expect(level.growth).toBeNull();
		expect(level.end.value).toBe(10_000);
		expect(computeSumGrowth([member('github:a/b:downloads', {})], published.start)).toBeUndefined();
		expect(computeSumGrowth([], published.start)).toBeUndefined();
	});
});

describe('scorecard measures', () => {
	it('lists the rows of the 2014-2015 table in its order', () => {
		expect(measures.map((m) => m.id)).toEqual([
			'contributors', 'github-projects', 'job-offers', 'dockerized-applications', 'container-downloads', 'hub-users', 'hub-repositories', 'hub-pulls-total'
		]);
	});

	it('computes the published figures from the reference figures', () => {
		const texts = Object.fromEntries(measures.map((m) => [m.id, m.published.text]));
		expect(texts).toEqual({
			contributors: '+183%',
			'github-projects': '+515%',
			'job-offers': '+1,720%',
			'dockerized-applications': '+934% (Boot2Docker downloads +1,456%)',
			'container-downloads': '+18,082%',
			'hub-users': '240,000',
			'hub-repositories': '150,000',
			'hub-pulls-total': 'more than 500 million'
		});
		expect(measure('contributors').published.percent).toBeCloseTo(183.04, 2);
		expect(measure('dockerized-applications').published.percent).toBe(1_456);
		expect(measure('hub-pulls-total').published.value).toBe(500_000_000);
		expect(measure('hub-users').published.citations[0]).toContain('240,000 Users');
	});

	it('says a row without a source plainly and keeps its published figure', () => {
		const row = buildScorecardRow(measure('job-offers'), { matched: [], sum: undefined, firstSampleTs: undefined, period: published, sparkline: { points: [], provenance: [] } });
		expect(row).toMatchObject({ status: 'noSource', measured: null, coverage: 'none: published figure only' });
		expect(row.sentence).toBe('Job offers involving Docker: no public source; published figure only (+1,720%)');
		expect(row.published.percent).toBe(1_720);
	});

	it('says which series to track when none is, and what a measured row came to', () => {
		const untracked = buildScorecardRow(measure('dockerized-applications'), { matched: [], sum: undefined, firstSampleTs: undefined, period: published, sparkline: { points: [], provenance: [] } });
		expect(untracked.status).toBe('noData');
		expect(untracked.coverage).toBe('no series tracked: track github:boot2docker/boot2docker and github:docker/toolbox to measure this');
		expect(untracked.sentence).toBe(
			'Dockerized applications (Boot2Docker downloads): not measured: track github:boot2docker/boot2docker and github:docker/toolbox to measure this (published +934% (Boot2Docker downloads +1,456%))'
		);
		// A series measure needs one of its candidates, and only a tracked source's: an import is loaded from a file.
		expect(buildScorecardRow(measure('contributors'), { matched: [], sum: undefined, firstSampleTs: undefined, period: published, sparkline: { points: [], provenance: [] } }).coverage).toBe(
			'no series tracked: track github:moby/moby to measure this'
		);
		// A pattern names no one target: the row says what it matches.
		expect(buildScorecardRow(measure('hub-repositories'), { matched: [], sum: undefined, firstSampleTs: undefined, period: published, sparkline: { points: [], provenance: [] } }).coverage).toBe(
			'no series tracked: the sum of ecosystem:dockerhub-repos:*:repositories'
		);
		expect(untracked.caveats[0]).toContain('A proxy: files downloaded from GitHub releases only');
		const series = 'import:moby-git-log:contributors';
		const sum = computeSumGrowth([member(series, { atStart: at('2014-05-31', 525), atEnd: at('2015-05-31', 1_130) })], published.start);
		const row = buildScorecardRow(measure('contributors'), { matched: [series], sum, firstSampleTs: new Date('2013-01-31T00:00:00Z'), period: published, sparkline: { points: [], provenance: [] } });
		expect(row.status).toBe('measured');
		expect(row.measured).toMatchObject({ series: [series], change: 605, previousGrowthPercent: null, start: { value: 525, ts: '2014-05-31T00:00:00.000Z', requested: '2014-06-09T00:00:00.000Z' } });
		expect(row.coverage).toBe(`from 2013-01-31; ${series}`);
		expect(row.sentence).toBe('Contributors: +115% (525 on 2014-05-31 to 1,130 on 2015-05-31); published +183%');
	});
});

describe('scorecard presets', () => {
	it('offers the published period, the last 12 months and each calendar year from the first sample to today', () => {
		const presets = listScorecardPresets(new Date('2024-03-05T00:00:00Z'), new Date('2026-11-28T12:00:00Z'));
		expect(presets).toEqual([
			{ label: 'Published: DockerCon 2014 to 2015', from: '2014-06-09', to: '2015-06-22' },
			{ label: 'Last 12 months', from: '2025-11-28', to: '2026-11-28' },
			{ label: '2024', from: '2024-01-01', to: '2024-12-31' },
			{ label: '2025', from: '2025-01-01', to: '2025-12-31' },
			{ label: '2026', from: '2026-01-01', to: '2026-11-28' }
		]);
	});

	it('offers only this year without any sample', () => {
		expect(listScorecardPresets(undefined, new Date('2026-01-01T00:00:00Z')).map((p) => p.label)).toEqual(['Published: DockerCon 2014 to 2015', 'Last 12 months', '2026']);
	});
});
