import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { defaultWatchlist, loadDefaultWatchlist } from '../../src/lib/server/targets/watchlist.js';
import { testBackends } from '../helpers/databases.js';

describe.each(testBackends)('default watchlist on $name', (backend) => {
	let database: Database;
	const trackedKeys = async () =>
		(
			await queryRows<{ ref: string }>(
				database.db,
				sql`select source || ':' || key as ref from targets where source in ('github', 'dockerhub', 'ecosystem') order by 1`
			)
		).map((r) => r.ref);

	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());

	it('loads on the first start only, so a removed target stays removed', async () => {
		expect(await loadDefaultWatchlist(database.db)).toBe(true);
		const first = await trackedKeys();
		expect(first).toHaveLength(defaultWatchlist.length);
		expect(first).toEqual(expect.arrayContaining(['github:moby/moby', 'github:docker/compose', 'dockerhub:library/nginx', 'dockerhub:library/alpine']));
		await database.db.execute(sql`delete from targets where source = 'dockerhub' and key = 'library/nginx'`);
		expect(await loadDefaultWatchlist(database.db)).toBe(false);
		expect(await trackedKeys()).toEqual(first.filter((ref) => ref !== 'dockerhub:library/nginx'));
	});
});
