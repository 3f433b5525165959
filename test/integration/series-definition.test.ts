import { describe, expect, it } from 'vitest';
import { backfillGithub } from '../../jobs/collectors/github/backfill/backfill.js';
import { writeObservation } from '../../jobs/observations.js';
import { defaultCounterConfig } from '../../src/lib/server/config-counters.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries } from '../../src/lib/server/db/queries/targets.js';
import { parseSeriesQuery } from '../../src/lib/server/series/params.js';
import { readSeriesViews } from '../../src/lib/server/series/read.js';
import { useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';
import { githubBackfillSetup, historyPath, readBackfillFixture, releasesPath } from '../helpers/github-backfill.js';

// The documented star history: the week of 2025-08-10, 12 stars on Monday the 11th and 7 on the 12th.
const history = readBackfillFixture('doc-star-history.json');

/**
 * One definition per series: a history rebuilt from an API goes only before the first observed sample,
 * and an observation retires any rebuilt value from its instant on, so a series reads as one method and
 * then the other, switching once.
 */
describe.each(testBackends)('one definition per series on $name', (backend) => {
	const h = useCollectorHarness(backend, githubBackfillSetup);
	const observeStars = (key: string, iso: string, stars: number) =>
		writeObservation(h.db, { target: { source: 'github', key, displayName: key }, ts: new Date(iso), values: { stars } }, defaultCounterConfig);
	const routeHistory = (key: string) => {
		h.replay.route(releasesPath(key, 1), { body: [] });
		h.replay.route(historyPath(key, 1), { status: history.status, headers: history.headers, body: history.body });
	};
	/** The series as the API reads it: [day, value, provenance] per point. */
	const readStars = async (key: string) => {
		const result = await readSeriesViews(h.db, parseSeriesQuery(new URLSearchParams({ series: `github:${key}:stars` })));
		if (!('series' in result)) throw new Error(`missing ${result.missing.join(', ')}`);
		const view = result.series[0]!;
		return view.points.map(([iso, value], i) => [iso.slice(0, 10), value, view.pointProvenance[i]]);
	};

	it('a backfill run after observations began writes nothing at or after the first observed sample', async () => {
		await h.addTarget('acme/observed');
		await observeStars('acme/observed', '2025-08-11T10:00:00Z', 20);
		routeHistory('acme/observed');
		expect(await backfillGithub(h.db, h.config(), h.options())).toMatchObject({ status: 'ok', targetsDone: 1 });
		// The history's 2025-08-11 (00:00, before the poll) is in; its 2025-08-12 is not.
		expect(await readStars('acme/observed')).toEqual([
			['2025-08-11', 12, 'reconstructed'],
			['2025-08-11', 20, 'observed']
		]);
	});

	it('an observation retires the rebuilt values from its instant on, and later rebuilt values stay out', async () => {
		const targetId = await h.addTarget('acme/rebuilt');
		routeHistory('acme/rebuilt');
		await backfillGithub(h.db, h.config(), h.options());
		expect((await readStars('acme/rebuilt')).map(([, , p]) => p)).toEqual(['reconstructed', 'reconstructed']);
		await observeStars('acme/rebuilt', '2025-08-11T12:00:00Z', 15);
		await observeStars('acme/rebuilt', '2025-08-13T12:00:00Z', 16);
		expect(await readStars('acme/rebuilt')).toEqual([
			['2025-08-11', 12, 'reconstructed'],
			['2025-08-11', 15, 'observed'],
			['2025-08-13', 16, 'observed']
		]);
		// A later import of rebuilt values (another source of the same history) is held back the same way.
		const seriesId = await upsertSeries(h.db, targetId, { metric: 'stars', unit: 'stars', kind: 'counter' });
		const counts = await upsertSamples(h.db, seriesId, 'reconstructed', [
			{ ts: new Date('2025-08-10T00:00:00Z'), value: 11 },
			{ ts: new Date('2025-08-12T00:00:00Z'), value: 19 }
		]);
		expect(counts).toEqual({ inserted: 1, updated: 0, unchanged: 0, keptObserved: 1 });
		expect((await readStars('acme/rebuilt')).map(([day, , p]) => `${day} ${p}`)).toEqual([
			'2025-08-10 reconstructed', '2025-08-11 reconstructed', '2025-08-11 observed', '2025-08-13 observed'
		]);
	});
});
