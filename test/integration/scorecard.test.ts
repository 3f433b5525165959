import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../../src/lib/server/db/client.js';
import { applyDeclaration } from '../../src/lib/server/config-file/apply.js';
import { parseConfigFile } from '../../src/lib/server/config-file/parse.js';
import { mergeTargetMetadata } from '../../src/lib/server/db/queries/collection-targets.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import type { Provenance } from '../../src/lib/server/db/schema/index.js';
import { loadReferenceDataset } from '../../src/lib/server/reference/load.js';
import { answerScorecard } from '../../src/lib/server/scorecard/respond.js';
import { formatScorecardCsv, formatScorecardText } from '../../src/lib/server/scorecard/text.js';
import type { Scorecard } from '../../src/lib/types/scorecard.js';
import { testBackends } from '../helpers/databases.js';

const now = new Date('2026-11-28T12:00:00Z');

/** Creates <source>:<key>:<metric> with [iso day, value] samples. */
async function seed(db: Db, ref: string, samples: [string, number][], provenance: Provenance = 'observed') {
	const [source, key, metric] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
	const targetId = await upsertTarget(db, { source: source as 'github', key, displayName: key });
	const seriesId = await upsertSeries(db, targetId, { metric, unit: metric, kind: 'counter' });
	await upsertSamples(db, seriesId, provenance, samples.map(([day, value]) => ({ ts: new Date(`${day}T00:00:00Z`), value })));
}

describe.each(testBackends)('the ecosystem scorecard on $name', (backend) => {
	let database: Database;

	async function scorecard(query: string): Promise<Scorecard> {
		const answer = await answerScorecard(database.db, new URLSearchParams(query), now);
		if ('error' in answer) throw new Error(await answer.error.text());
		return answer.scorecard;
	}
	const rowOf = (card: Scorecard, id: string) => card.rows.find((r) => r.id === id)!;

	beforeAll(async () => {
		database = await backend.open();
		const db = database.db;
		// The reference dataset brings import:moby-git-log:contributors, moby's measured history.
		await loadReferenceDataset(db);
		// Collected daily since 2026 only: it does not hide moby's git history for 2014-2015.
		await seed(db, 'github:moby/moby:contributors', [['2026-01-01', 2_500], ['2026-11-01', 2_600]]);
		await seed(db, 'ecosystem:github-repos:docker:repositories', [['2014-05-31', 4_000], ['2015-05-31', 20_000], ['2025-12-31', 900_000]], 'reconstructed');
		await seed(db, 'github:boot2docker/boot2docker:downloads', [['2025-01-01', 1_000], ['2025-06-01', 1_500], ['2026-01-01', 2_000]]);
		await seed(db, 'github:docker/toolbox:downloads', [['2025-03-01', 500], ['2026-01-01', 700]]);
		await seed(db, 'dockerhub:library/nginx:pulls', [['2024-01-01', 100], ['2025-01-01', 200], ['2026-01-01', 600]]);
		await seed(db, 'dockerhub:library/redis:pulls', [['2024-01-01', 50], ['2025-01-01', 100], ['2025-12-31', 300]]);
		// A namespace's total repeats its images' pulls: the scorecard must not count it again.
		await seed(db, 'dockerhub:library:pulls', [['2025-01-01', 300], ['2026-01-01', 900]]);
	});
	afterAll(() => database.close());

	it('checks the published table by default: moby contributors 525 -> 1,130 (+115%) against +183%, rows without a source kept', async () => {
		const card = await scorecard('');
		expect(card).toMatchObject({ isPublishedPeriod: true, title: 'Docker ecosystem, 2014-06-09 to 2015-06-22' });
		expect(card.rows.map((r) => [r.id, r.status])).toEqual([
			['contributors', 'measured'], ['github-projects', 'measured'], ['job-offers', 'noSource'], ['dockerized-applications', 'noData'],
			['container-downloads', 'noData'], ['hub-users', 'noSource'], ['hub-repositories', 'noData'], ['hub-pulls-total', 'noData']
		]);
		const contributors = rowOf(card, 'contributors');
		expect(contributors.measured).toMatchObject({
			series: ['import:moby-git-log:contributors'],
			start: { value: 525, ts: '2014-05-31T00:00:00.000Z' },
			end: { value: 1_130, ts: '2015-05-31T00:00:00.000Z' },
			change: 605
		});
		expect(Math.round(contributors.measured!.growthPercent!)).toBe(115);
		expect(contributors.published).toMatchObject({ text: '+183%' });
		expect(contributors.coverage).toBe('from 2013-01-31; import:moby-git-log:contributors');
		expect(contributors.sparkline.points.length).toBe(contributors.sparkline.provenance.length);
		// 2014-06 to 2015-05: twelve month ends inside the period, drawn as imported history.
		expect(contributors.sparkline.points.length).toBe(12);
		expect(new Set(contributors.sparkline.provenance)).toEqual(new Set(['imported']));
		expect(rowOf(card, 'github-projects').measured).toMatchObject({ start: { value: 4_000 }, end: { value: 20_000 }, growthPercent: 400 });
		const jobs = rowOf(card, 'job-offers');
		expect(jobs).toMatchObject({ measured: null, published: { percent: 1_720 }, sentence: 'Job offers involving Docker: no public source; published figure only (+1,720%)' });
		expect(jobs.published.citations[0]).toContain('job offers involving Docker +1,720%');
		expect(rowOf(card, 'dockerized-applications').sentence).toBe('Dockerized applications (Boot2Docker downloads): not measured in this period (published +934% (Boot2Docker downloads +1,456%))');
		expect(rowOf(card, 'hub-repositories').coverage).toBe('no series tracked: the sum of ecosystem:dockerhub-repos:*:repositories');
	});

	it('measures a calendar year from sums of observed series, left-out and late-starting series said in the caveats', async () => {
		const card = await scorecard('from=2025-01-01&to=2025-12-31');
		expect(card).toMatchObject({ isPublishedPeriod: false, title: 'Docker ecosystem, 2025' });
		const downloads = rowOf(card, 'dockerized-applications');
		// boot2docker 1,000 -> 1,500; toolbox from its first value inside the year, 500 -> 500.
		expect(downloads.measured).toMatchObject({ start: { value: 1_500 }, end: { value: 2_000, ts: '2025-06-01T00:00:00.000Z', oldestTs: '2025-03-01T00:00:00.000Z' }, isBaseFirstInPeriod: true });
		expect(downloads.measured!.growthPercent).toBeCloseTo(33.333, 3);
		expect(downloads.caveats).toContain('Nothing on or before 2025-01-01 for some series: measured from their first value inside the period');
		expect(downloads.coverage).toBe('from 2025-01-01; 2 of 2 series counted in this period');
		expect(downloads.sparkline).toEqual({ points: [], provenance: [] });
		const pulls = rowOf(card, 'container-downloads');
		// nginx 200 -> 200 (its next value is 2026), redis 100 -> 300; the namespace total is not an image.
		expect(pulls.measured).toMatchObject({ series: ['dockerhub:library/nginx:pulls', 'dockerhub:library/redis:pulls'], start: { value: 300 }, end: { value: 500 } });
		// The year before: 150 -> 300.
		expect(pulls.measured!.previousGrowthPercent).toBe(100);
		// GitHub's search count has nothing between 2015 and the end of 2025: the start value is ten years old, and the row says so.
		expect(rowOf(card, 'github-projects').caveats).toContain('The start value is from 2015-05-31, 3503 days before the requested 2025-01-01');
		expect(rowOf(card, 'hub-pulls-total').measured).toMatchObject({ end: { value: 500 } });
		expect(card.presets.map((p) => p.label)).toEqual([
			'Published: DockerCon 2014 to 2015', 'Last 12 months', ...Array.from({ length: 14 }, (_, i) => String(2013 + i))
		]);
		expect(card.presets.at(-1)).toEqual({ label: '2026', from: '2026-01-01', to: '2026-11-28' });
	});

	it("takes a series measure's first candidate that covers the period: the collected series for 2026, moby's git history for 2014 on", async () => {
		const contributors = rowOf(await scorecard('from=2026-01-01&to=2026-11-28'), 'contributors');
		expect(contributors.measured).toMatchObject({ series: ['github:moby/moby:contributors'], start: { value: 2_500 }, end: { value: 2_600 }, growthPercent: 4 });
		expect(contributors.coverage).toBe('from 2026-01-01; github:moby/moby:contributors');
		// From 2025-12-01 neither has a value on or before the start: the first with values in the period.
		expect(rowOf(await scorecard('from=2025-12-01&to=2026-11-28'), 'contributors').measured).toMatchObject({ series: ['github:moby/moby:contributors'], isBaseFirstInPeriod: true });
	});

	it('copies as text that reads like the slide, and as formula-safe CSV', async () => {
		const card = await scorecard('from=2025-01-01&to=2025-12-31');
		const text = formatScorecardText(card);
		expect(text.split('\n')[0]).toBe(
			'Docker ecosystem, 2025: Contributors: not measured; GitHub projects about Docker +4,400%; Job offers involving Docker: published figure only (+1,720%); ' +
				'Dockerized applications (Boot2Docker downloads) +33%; Container downloads (Docker Hub pulls) +67%; Docker Hub users: published figure only (240,000); ' +
				'Docker Hub repositories: not measured; Docker Hub pulls, total: 500.'
		);
		expect(text).toContain('- Docker Hub users: no public source; published figure only (240,000)');
		const rows = parse(formatScorecardCsv(card)) as string[][];
		expect(rows).toHaveLength(9);
		expect(rows[0]!.slice(0, 4)).toEqual(['measure', 'label', 'published', 'published_percent']);
		// "+183%" would run as a formula in a spreadsheet: it is written as text.
		expect(rows[1]!.slice(0, 3)).toEqual(['contributors', 'Contributors', "'+183%"]);
		const downloads = rows.find((r) => r[0] === 'container-downloads')!;
		expect(downloads.slice(6, 8)).toEqual(['measured', 'dockerhub:library/nginx:pulls | dockerhub:library/redis:pulls']);
		expect(Number(downloads[15])).toBeCloseTo(66.667, 3);
	});

	it('reads a period that ends in the year 9999 without failing', async () => {
		const card = await scorecard('from=2014-06-09&to=9999-12-31');
		expect(rowOf(card, 'contributors').measured).toMatchObject({ end: { value: 1_902, ts: '2016-12-31T00:00:00.000Z' } });
		expect(rowOf(card, 'contributors').sparkline.points.length).toBeGreaterThan(0);
	});

	it('reads one day as a period: the current year on 1 January', async () => {
		const card = await scorecard('from=2026-01-01&to=2026-01-01');
		expect(card.period).toMatchObject({ start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T23:59:59.999Z' });
		// One value in the period is a level, not 0% growth.
		expect(rowOf(card, 'container-downloads').measured).toMatchObject({ start: { value: 600 }, end: { value: 600 }, growthPercent: null });
	});

	it('answers with the sources a configuration file set: distinct contributors across repositories, a row measured by another series', async () => {
		const db = database.db;
		const history = (isDone: boolean, firstMonths: Record<string, string>) => ({ contributorHistory: { nextPage: 9, isDone, firstMonths } });
		const repository = (key: string) => upsertTarget(db, { source: 'github', key, displayName: key });
		await mergeTargetMetadata(db, await repository('moby/moby'), history(true, { 'login:a': '2014-01', 'login:b': '2014-03', 'email:c@example.com': '2014-07' }));
		// login:a committed to docker/cli first: the union counts it once, from 2013-12.
		await mergeTargetMetadata(db, await repository('docker/cli'), history(true, { 'login:a': '2013-12', 'login:d': '2015-02' }));
		// Half read: its authors would look newer than they are, so it is left out.
		await mergeTargetMetadata(db, await repository('docker/compose'), history(false, { 'login:e': '2014-01' }));
		const file = `scorecard:
  contributors: {distinctContributors: [github:moby/moby, github:docker/cli, github:docker/compose]}
  hub-pulls-total: {series: [dockerhub:library/redis:pulls]}
`;
		await applyDeclaration(db, parseConfigFile('scorecard.yaml', file, {}), { prune: false, dryRun: false, alertPatternMaxSeries: 1_000 });

		const published = await scorecard('');
		const contributors = rowOf(published, 'contributors');
		const union = 'distinct contributors across github:moby/moby, github:docker/cli, github:docker/compose';
		// 2014-05-31: a and b; 2015-05-31 (the count ends at 2015-02, d's month): a, b, c and d.
		expect(contributors).toMatchObject({
			status: 'measured',
			isConfigured: true,
			method: `Measured as configured: ${union}`,
			coverage: 'from 2013-12-31; distinct contributors across 2 of 3 repositories (github:moby/moby, github:docker/cli)',
			measured: { series: [union], start: { value: 2, ts: '2014-05-31T00:00:00.000Z' }, end: { value: 4, ts: '2015-02-28T00:00:00.000Z' }, growthPercent: 100, previousGrowthPercent: null }
		});
		expect(contributors.caveats).toContain('Left out, no complete contributor history (the github-contributor-history backfill rebuilds it): github:docker/compose');
		expect(contributors.caveats[0]).toBe("Measured as configured in the configuration file's scorecard section, not by the declared measure (github:moby/moby:contributors or import:moby-git-log:contributors)");
		expect(contributors.caveats).toContain('The end value is from 2015-02-28, 115 days before the requested 2015-06-22');
		// Month ends 2014-06 to 2015-02 inside the period, drawn as rebuilt history.
		expect(contributors.sparkline.points.map(([, v]) => v)).toEqual([2, 3, 3, 3, 3, 3, 3, 3, 4]);
		expect(new Set(contributors.sparkline.provenance)).toEqual(new Set(['reconstructed']));
		expect(contributors.sentence).toBe('Contributors: +100% (2 on 2014-05-31 to 4 on 2015-02-28); published +183%');
		// The rows the file does not name keep their declared measure.
		expect(rowOf(published, 'github-projects')).toMatchObject({ isConfigured: false, measured: { growthPercent: 400 } });

		const pulls = rowOf(await scorecard('from=2025-01-01&to=2025-12-31'), 'hub-pulls-total');
		expect(pulls).toMatchObject({ isConfigured: true, method: 'Measured as configured: dockerhub:library/redis:pulls', measured: { series: ['dockerhub:library/redis:pulls'], start: { value: 100 }, end: { value: 300 } } });
		expect(formatScorecardCsv(await scorecard('from=2025-01-01&to=2025-12-31'))).toContain('Measured as configured: dockerhub:library/redis:pulls');
	});

	it('refuses a period it cannot read, naming the parameter', async () => {
		for (const [query, parameter] of [['to=2015-06-22', 'from'], ['from=2015-06-22&to=2014-06-09', 'to'], ['from=2015-13-01', 'from'], ['from=2027-01-01', 'from']]) {
			const answer = await answerScorecard(database.db, new URLSearchParams(query), now);
			expect('error' in answer && answer.error.status).toBe(400);
			if ('error' in answer) expect(await answer.error.json()).toMatchObject({ parameter });
		}
	});
});
