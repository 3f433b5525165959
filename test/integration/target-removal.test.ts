import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { collectDockerHub } from '../../jobs/collectors/dockerhub/collect.js';
import { addTarget, removeTarget } from '../../jobs/targets.js';
import { queryRows } from '../../src/lib/server/db/client.js';
import { listTargetViews } from '../../src/lib/server/targets/list.js';
import { useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';
import { waitUntil } from '../helpers/process-control.js';

/**
 * A removed target stays removed: a collection already in flight when the analyst removes it writes
 * nothing for it and does not bring it back, and a namespace's listing does not add back an image the
 * analyst removed (until it is added again).
 */

const imagePath = (namespace: string, name: string) => `/v2/namespaces/${namespace}/repositories/${name}`;
const repository = (namespace: string, name: string, pulls: number) => ({
	name,
	namespace,
	pull_count: pulls,
	star_count: 1,
	last_updated: '2026-01-01T00:00:00Z'
});
const listingPath = '/v2/namespaces/acme/repositories?page_size=100';
const listing = { count: 2, next: null, previous: null, results: [repository('acme', 'one', 10), repository('acme', 'two', 20)] };

describe.each(testBackends)('removing targets on $name', (backend) => {
	const h = useCollectorHarness(backend, { source: 'dockerhub', startAt: '2026-11-28T10:00:00Z', env: { COLLECT_CONCURRENCY: '1' } });
	const collect = () => collectDockerHub(h.db, h.config(), h.options());
	const listKeys = async () =>
		(await queryRows<{ key: string }>(h.db, sql`select key from targets where source = 'dockerhub' order by key`)).map((t) => t.key);
	const countSamplesOf = async (key: string) => (await h.listSamples(key)).length;
	const ref = (key: string) => ({ source: 'dockerhub' as const, key });
	/** What /api/targets and the targets page show as left out of the namespace's listing. */
	const leftOutOf = async (namespace: string) => (await listTargetViews(h.db)).find((t) => t.target === `dockerhub:${namespace}`)?.removedFromListing;

	it('a target removed while its collection is in flight gets nothing and is not brought back', async () => {
		await h.addTargets('library/alpine', 'library/busybox');
		h.replay
			.route(imagePath('library', 'alpine'), { body: repository('library', 'alpine', 5) })
			.route(imagePath('library', 'busybox'), { body: repository('library', 'busybox', 7), fault: 'hold' });
		const running = collect();
		await waitUntil(() => h.replay.countRequests(imagePath('library', 'busybox')) === 1, 'the run to ask for busybox');
		expect(await removeTarget(h.db, ref('library/busybox'))).toBe(true);
		expect(h.replay.release(imagePath('library', 'busybox'))).toBe(1);
		const report = await running;

		expect(report.status).toBe('ok');
		expect(await listKeys()).toEqual(['library/alpine']);
		expect(await countSamplesOf('library/alpine')).toBe(2);
		expect(await h.countSamples()).toBe(2);
	});

	it('a namespace listing does not add back an image the analyst removed, before or during a run, until it is added again', async () => {
		await h.addTargets('acme');
		// Listed images are targets of their own, written from the listing (no request of their own).
		h.replay.route(listingPath, { body: listing });
		expect((await collect()).status).toBe('ok');
		expect(await listKeys()).toEqual(['acme', 'acme/one', 'acme/two']);

		// Removed between runs: the next run's listing leaves it out.
		expect(await removeTarget(h.db, ref('acme/two'))).toBe(true);
		h.clockMs += 3_600_000;
		expect((await collect()).status).toBe('ok');
		expect(await listKeys()).toEqual(['acme', 'acme/one']);
		expect(await countSamplesOf('acme/one')).toBe(4);
		expect(await leftOutOf('acme')).toEqual(['acme/two']);

		// Removed while the listing is in flight.
		h.replay.route(listingPath, { body: listing, fault: 'hold' });
		h.clockMs += 3_600_000;
		const running = collect();
		await waitUntil(() => h.replay.countRequests(listingPath) === 3, 'the run to ask for the listing');
		expect(await removeTarget(h.db, ref('acme/one'))).toBe(true);
		h.replay.release(listingPath);
		expect((await running).status).toBe('ok');
		expect(await listKeys()).toEqual(['acme']);
		expect(await h.countSamples()).toBe(3 * 3);
		expect(await leftOutOf('acme')).toEqual(['acme/two', 'acme/one']);

		// Added back by the analyst (checked on its own): the listing keeps it from then on.
		h.replay.route(listingPath, { body: listing }).route(imagePath('acme', 'one'), { body: repository('acme', 'one', 10) });
		expect(await addTarget(h.db, h.config(), ref('acme/one'))).toMatchObject({ outcome: 'added' });
		h.clockMs += 3_600_000;
		await collect();
		expect(await listKeys()).toEqual(['acme', 'acme/one']);
		expect((await h.getTarget('acme')).metadata.removedListed).toEqual(['acme/two']);
		expect(await leftOutOf('acme')).toEqual(['acme/two']);
		expect(h.replay.countRequests(imagePath('acme', 'one'))).toBe(1);
	});
});
