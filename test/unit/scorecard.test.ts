import { describe, expect, it } from 'vitest';
import { mergeIdentityMonths } from '../../src/lib/server/metrics/contributors.js';
import { computeContributorUnion, toUnionMember } from '../../src/lib/server/scorecard/distinct-contributors.js';
import { distinctContributorsCaveats, measures } from '../../src/lib/server/scorecard/measures.js';
import { applyScorecardOverrides } from '../../src/lib/server/scorecard/overrides.js';
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

describe("each measured row's figure, coverage and caveats on fixed series", () => {
	const year = { start: new Date('2025-01-01T00:00:00Z'), end: new Date('2025-12-31T23:59:59.999Z') };
	const rowFor = (id: string, members: MemberSamples[], firstSample: string) =>
		buildScorecardRow(measure(id), {
			matched: members.map((m) => m.series),
			sum: computeSumGrowth(members, year.start),
			firstSampleTs: new Date(`${firstSample}T00:00:00Z`),
			period: year,
			sparkline: { points: [], provenance: [] }
		});

	it('GitHub projects: the search count at both month ends, +50%, its survivorship caveat kept', () => {
		const row = rowFor('github-projects', [member('ecosystem:github-repos:docker:repositories', { atStart: at('2024-12-31', 800_000), atEnd: at('2025-12-31', 1_200_000), atPreviousStart: at('2023-12-31', 640_000) })], '2013-01-31');
		expect(row.measured).toMatchObject({ growthPercent: 50, previousGrowthPercent: 25, change: 400_000 });
		expect(row.caveats[0]).toContain('survivorship');
		expect(row.coverage).toBe('from 2013-01-31; ecosystem:github-repos:docker:repositories');
	});

	it('Boot2Docker downloads: the sum of both repositories, one counted from its first value in the year', () => {
		const row = rowFor('dockerized-applications', [
			member('github:boot2docker/boot2docker:downloads', { atStart: at('2024-12-31', 9_000), atEnd: at('2025-12-31', 10_000) }),
			member('github:docker/toolbox:downloads', { firstFromStart: at('2025-03-01', 1_000), atEnd: at('2025-12-31', 2_000) })
		], '2024-06-01');
		// 10,000 -> 12,000.
		expect(row.measured).toMatchObject({ start: { value: 10_000 }, end: { value: 12_000 }, growthPercent: 20, isBaseFirstInPeriod: true });
		expect(row.coverage).toBe('from 2024-06-01; 2 of 2 series counted in this period');
		expect(row.caveats.at(-1)).toBe('Nothing on or before 2025-01-01 for some series: measured from their first value inside the period');
	});

	it('Container downloads: the official images summed, one without a value in the year left out and named', () => {
		const row = rowFor('container-downloads', [
			member('dockerhub:library/nginx:pulls', { atStart: at('2024-12-31', 1_000), atEnd: at('2025-12-30', 1_500) }),
			member('dockerhub:library/gone:pulls', { atStart: at('2023-01-01', 5), atEnd: at('2023-01-01', 5) })
		], '2023-01-01');
		expect(row.measured).toMatchObject({ series: ['dockerhub:library/nginx:pulls'], growthPercent: 50 });
		expect(row.coverage).toBe('from 2023-01-01; 1 of 2 series counted in this period');
		expect(row.caveats).toContain('Left out, no value in this period: dockerhub:library/gone:pulls');
	});

	it('Docker Hub repositories: a level, read at the period end; one observation is not 0% growth', () => {
		const row = rowFor('hub-repositories', [member('ecosystem:dockerhub-repos:docker:repositories', { firstFromStart: at('2025-06-01', 10_000), atEnd: at('2025-06-01', 10_000) })], '2025-06-01');
		expect(row.measured).toMatchObject({ growthPercent: null, end: { value: 10_000 } });
		expect(row.sentence).toBe('Docker Hub repositories: 10K on 2025-06-01; published 150,000');
		expect(row.caveats[0]).toContain('capped at 10,000');
	});

	it('Docker Hub pulls, total: a level with its growth, against more than 500 million', () => {
		const row = rowFor('hub-pulls-total', [
			member('dockerhub:library/nginx:pulls', { atStart: at('2024-12-31', 600_000_000), atEnd: at('2025-12-31', 900_000_000) }),
			member('dockerhub:bitnami/redis:pulls', { atStart: at('2024-12-31', 400_000_000), atEnd: at('2025-12-31', 600_000_000) })
		], '2024-01-01');
		expect(row.measured).toMatchObject({ end: { value: 1_500_000_000 }, growthPercent: 50 });
		expect(row.sentence).toBe('Docker Hub pulls, total: 1.5B on 2025-12-31, +50% (1B on 2024-12-31 to 1.5B on 2025-12-31); published more than 500 million');
	});
});

describe('distinct contributors across repositories', () => {
	const stored = (key: string, isDone: boolean, firstMonths: Record<string, string>) => ({ source: 'github', key, history: { nextPage: 3, isDone, firstMonths } });

	it('counts an identity seen in several repositories once, from its earliest month', () => {
		expect(mergeIdentityMonths([{ 'login:a': '2014-03', 'login:b': '2014-05' }, { 'login:a': '2014-01', 'email:c': '2014-05' }])).toEqual({
			'login:a': '2014-01', 'login:b': '2014-05', 'email:c': '2014-05'
		});
	});

	it('adds up month by month over the complete histories only, and leaves out untracked and half-read repositories', () => {
		const union = computeContributorUnion(
			['github:moby/moby', 'github:docker/cli', 'github:docker/compose', 'github:not/tracked'],
			[
				stored('moby/moby', true, { 'login:a': '2014-02', 'login:b': '2014-03' }),
				stored('docker/cli', true, { 'login:a': '2014-01', 'login:c': '2014-04' }),
				stored('docker/compose', false, { 'login:z': '2013-01' })
			]
		);
		expect(union.counted).toEqual(['github:moby/moby', 'github:docker/cli']);
		expect(union.left).toEqual(['github:docker/compose', 'github:not/tracked']);
		expect(union.points).toEqual([at('2014-01-31', 1), at('2014-02-28', 1), at('2014-03-31', 2), at('2014-04-30', 3)]);
		expect(computeContributorUnion(['github:a/b'], [{ source: 'github', key: 'a/b', history: 'garbled' }]).points).toEqual([]);
	});

	it('reads the union at the ends of a period: month end on or before each, +200% from 1 to 3', () => {
		const points = [at('2014-01-31', 1), at('2014-02-28', 1), at('2014-03-31', 2), at('2014-04-30', 3)];
		const member = toUnionMember('union', points, { start: new Date('2014-02-15T00:00:00Z'), end: new Date('2014-05-01T00:00:00Z') }, new Date('2013-11-30T00:00:00Z'));
		expect(member).toEqual({ series: 'union', atStart: at('2014-01-31', 1), atEnd: at('2014-04-30', 3), firstFromStart: at('2014-02-28', 1), atPreviousStart: undefined });
		expect(computeSumGrowth([member], new Date('2014-02-15T00:00:00Z'))!.growth!.percent).toBe(200);
	});
});

describe('scorecard overrides', () => {
	it('replaces only the sources of the rows named, and says a configured row is measured as configured', () => {
		const configured = applyScorecardOverrides(measures, { 'hub-users': { kind: 'series', candidates: ['import:hub/users:users'] } });
		expect(configured.filter((m) => m.defaultSource).map((m) => m.id)).toEqual(['hub-users']);
		const row = buildScorecardRow(configured.find((m) => m.id === 'hub-users')!, { matched: [], sum: undefined, firstSampleTs: undefined, period: published, sparkline: { points: [], provenance: [] } });
		// A published-only row given a source is measured like any other: here nothing is tracked yet, and an import is not tracked.
		expect(row).toMatchObject({ status: 'noData', isConfigured: true, method: 'Measured as configured: import:hub/users:users', coverage: 'no series tracked: import:hub/users:users' });
		expect(row.caveats).toEqual(["Measured as configured in the configuration file's scorecard section, not by the declared measure (no public source)"]);
		expect(row.explanation).toBe('Measured as configured (import:hub/users:users), not by the declared measure: its explanation does not apply');
		const union = applyScorecardOverrides(measures, { contributors: { kind: 'distinctContributors', repositories: ['github:moby/moby', 'github:docker/cli'] } });
		const untracked = buildScorecardRow(union[0]!, { matched: [], sum: undefined, firstSampleTs: undefined, period: published, sparkline: { points: [], provenance: [] } });
		expect(untracked.coverage).toBe('no complete contributor history: track github:moby/moby and github:docker/cli and let the contributor-history backfill finish to measure this');
		expect(untracked.explanation).toBe('Definition: Docker counted contributors across its projects; this counts the distinct commit authors of 2 declared repositories');
		expect(untracked.caveats.slice(1)).toEqual(distinctContributorsCaveats);
		expect(applyScorecardOverrides(measures, undefined)).toEqual(measures);
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
