import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTargetRef, type TargetRef } from '../../src/lib/refs.js';
import { queryRows, type Database, type Db } from '../../src/lib/server/db/client.js';
import { linkPair, resolvePair } from '../../src/lib/server/links/links.js';
import { listTargetPage, listTargetViews, pagedListThreshold, type TargetPageRequest } from '../../src/lib/server/targets/list.js';
import type { PairsView } from '../../src/lib/types/links.js';
import type { TargetView } from '../../src/lib/types/targets.js';
import { load } from '../../src/routes/targets/+page.server.js';
import { filterTargets } from '../../src/routes/targets/target-list.js';
import { testBackends } from '../helpers/databases.js';

/**
 * The targets list in keyset pages (listTargetPage): walking the pages forward by `next` or backward
 * by `previous` meets every target once, in the order of the whole list, and a filter in SQL keeps
 * what the browser's filter keeps; past pagedListThreshold targets the targets page lists one page.
 */

interface Seed {
	source: 'github' | 'dockerhub' | 'import';
	key: string;
	displayName: string;
	status: 'ok' | 'failing' | 'not_found';
	metrics: string[];
}

// Few characters, upper and lower case, and the key's punctuation: keys that share prefixes and differ
// only where collations disagree.
const keyChar = fc.constantFrom('a', 'b', 'B', 'z', '1', '-', '.', '/', '_', ':');
const seed: fc.Arbitrary<Seed> = fc.record({
	source: fc.constantFrom('github', 'dockerhub', 'import'),
	key: fc.tuple(fc.constantFrom('a', 'b', 'B', '1'), fc.array(keyChar, { maxLength: 5 })).map(([first, rest]) => first + rest.join('')),
	displayName: fc.array(fc.constantFrom('Moby', 'nginx', 'ok', 'Stars', 'a_b', 'x%'), { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
	status: fc.constantFrom('ok', 'failing', 'not_found'),
	metrics: fc.subarray(['pulls', 'stars', 'open_issues'])
});
const seeds = fc.uniqueArray(seed, { maxLength: 25, selector: (s) => `${s.source}:${s.key}` });
const query = fc.array(fc.constantFrom('STARS', 'not', 'found', 'github:', 'b', '_', 'x%', '%', 'moby', 'fail', 'pulls'), { maxLength: 2 }).map((w) => w.join(' '));

/** The id of a new series of the acme/app target of that source. */
async function readPairSide(db: Db, source: string, metric: string): Promise<number> {
	const [row] = await queryRows<{ id: number }>(
		db,
		sql`insert into series (target_id, metric, unit, kind) select id, ${metric}, ${metric}, 'counter' from targets where source = ${source} and key = 'acme/app' returning id`
	);
	return row!.id;
}

async function replaceTargets(db: Db, list: readonly Seed[]): Promise<void> {
	await db.execute(sql`delete from targets`);
	for (const s of list) {
		await db.execute(sql`insert into targets (source, key, display_name, status) values (${s.source}, ${s.key}, ${s.displayName}, ${s.status})`);
		for (const metric of s.metrics) {
			await db.execute(sql`insert into series (target_id, metric, unit, kind)
				select id, ${metric}, ${metric}, 'counter' from targets where source = ${s.source} and key = ${s.key}`);
		}
	}
}

const toRef = (cursor: string): TargetRef => {
	const ref = parseTargetRef(cursor);
	if (!ref.ok) throw new Error(ref.message);
	return ref.value;
};

/** Every page from the first by `next` (or from the last by `previous`), concatenated in list order. */
async function walk(db: Db, request: Omit<TargetPageRequest, 'after' | 'before'>, isBackward: boolean): Promise<TargetView[]> {
	const pages: TargetView[][] = [];
	let page = await listTargetPage(db, request);
	if (isBackward) while (page.next) page = await listTargetPage(db, { ...request, after: toRef(page.next) });
	for (let isStart = true; ; isStart = false) {
		pages.push(page.targets);
		expect(page.targets.length).toBeLessThanOrEqual(request.limit!);
		const cursor = isBackward ? page.previous : page.next;
		if (!cursor) break;
		// A page that says there is more in the direction it was read is full (the last page, where a
		// backward walk starts, was read forward).
		if (!(isBackward && isStart)) expect(page.targets.length).toBe(request.limit);
		page = await listTargetPage(db, { ...request, ...(isBackward ? { before: toRef(cursor) } : { after: toRef(cursor) }) });
	}
	return (isBackward ? pages.reverse() : pages).flat();
}

describe.each(testBackends)('targets in pages on $name', (backend) => {
	let database: Database;
	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database?.close());

	it('walks every target once, in the whole list order, forward and backward, filtered as the browser filters', async () => {
		await fc.assert(
			fc.asyncProperty(seeds, fc.integer({ min: 1, max: 7 }), query, fc.boolean(), async (list, limit, q, isBackward) => {
				const { db } = database;
				await replaceTargets(db, list);
				const whole = await listTargetViews(db);
				expect(whole.length).toBe(list.length);
				expect(await walk(db, { limit }, isBackward)).toEqual(whole);
				expect(await walk(db, { limit, q }, isBackward)).toEqual(filterTargets(whole, q));
				const github = whole.filter((t) => t.source === 'github');
				expect(await walk(db, { limit, source: 'github' }, isBackward)).toEqual(github);
				expect(await listTargetPage(db, { limit: null, q })).toEqual({ targets: filterTargets(whole, q), next: null, previous: null });
			}),
			{ numRuns: 40 }
		);
	});

	it('lists one page at a time on the targets page past the threshold, with links both ways', async () => {
		const { db } = database;
		const count = pagedListThreshold + 20;
		await db.execute(sql`delete from targets`);
		await db.execute(sql`insert into targets (source, key, display_name)
			select 'github', 'many/t' || lpad(n::text, 4, '0'), 'many ' || n from generate_series(1, ${count}::int) n`);
		type Loaded = { targets: TargetView[]; pairs: PairsView; paging?: { next: string | null; previous: string | null; isFirst: boolean }; query: unknown };
		const loadPage = async (search: string) => (await load({ locals: { database }, url: new URL(`http://localhost/targets${search}`) } as never)) as Loaded;

		const first = await loadPage('');
		expect(first.targets.map((t) => t.target).slice(0, 2)).toEqual(['github:many/t0001', 'github:many/t0002']);
		expect(first.paging).toEqual({ next: 'github:many/t0100', previous: null, isFirst: true });
		const seen: string[] = [];
		for (let page = first; ; ) {
			seen.push(...page.targets.map((t) => t.target));
			if (!page.paging?.next) break;
			page = await loadPage(`?after=${encodeURIComponent(page.paging.next)}`);
		}
		expect(seen).toEqual(Array.from({ length: count }, (_, i) => `github:many/t${String(i + 1).padStart(4, '0')}`));

		const second = await loadPage('?after=github:many/t0100');
		expect(second.paging).toEqual({ next: 'github:many/t0200', previous: 'github:many/t0101', isFirst: false });
		const back = await loadPage('?before=github:many/t0101');
		expect(back.targets.map((t) => t.target)).toEqual(first.targets.map((t) => t.target));
		expect(back.paging).toMatchObject({ previous: null, next: 'github:many/t0100' });

		// The filter is applied in SQL, to every target and not only to the page shown.
		const filtered = await loadPage('?q=T051');
		expect(filtered.targets.map((t) => t.target)).toEqual(Array.from({ length: 10 }, (_, i) => `github:many/t051${i}`));
		expect(filtered.paging).toEqual({ next: null, previous: null, isFirst: true });
		expect(filtered.query).toEqual({ q: 'T051', sort: 'name' });

		// A linked pair shows its figures on every page, not only on the page that lists its targets.
		await db.execute(sql`insert into targets (source, key, display_name) values ('dockerhub', 'acme/app', 'acme/app'), ('github', 'acme/app', 'acme/app')`);
		const [image, repository] = [await readPairSide(db, 'dockerhub', 'pulls'), await readPairSide(db, 'github', 'stars')];
		await db.execute(sql`insert into samples (series_id, ts, value, provenance) values
			(${image}, '2026-01-01', 5000, 'observed'), (${repository}, '2026-01-01', 50, 'observed')`);
		const pair = await resolvePair(db, { source: 'dockerhub', key: 'acme/app' }, { source: 'github', key: 'acme/app' });
		if (!pair.ok) throw new Error(pair.message);
		await linkPair(db, pair);
		const later = await loadPage('?after=github:many/t0300');
		expect(later.targets.map((t) => t.target)).not.toContain('dockerhub:acme/app');
		expect(later.pairs.pairs).toMatchObject([{ image: 'dockerhub:acme/app', pulls: { value: 5000 }, stars: { value: 50 }, pullsPerStar: 100 }]);
	});
});
