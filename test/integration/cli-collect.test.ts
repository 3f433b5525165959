import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/client.js';
import { applyMigrations } from '../../src/lib/server/db/migrate.js';
import { upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { testBackends } from '../helpers/databases.js';
import { ReplayServer } from '../helpers/replay-server.js';
import { createStoreEnv, spawnNode } from '../helpers/server.js';

const nginx = JSON.parse(readFileSync('test/fixtures/dockerhub/doc-repository-library-nginx.json', 'utf8'));

async function runCollect(args: string[], env: Record<string, string>) {
	const run = spawnNode(['--import', 'tsx', 'scripts/collect.ts', ...args], env);
	return { code: await run.closed, output: run.output() };
}

describe.each(testBackends)('npm run collect on $name', (backend) => {
	let store: Awaited<ReturnType<typeof createStoreEnv>>;
	let replay: ReplayServer;
	let env: Record<string, string>;

	beforeAll(async () => {
		store = await createStoreEnv(backend.name);
		replay = await ReplayServer.start();
		replay.route('/v2/namespaces/library/repositories/nginx', { body: nginx });
		env = { ...store.env, DOCKERHUB_API_URL: replay.url, HTTP_RETRY_BASE_MS: '1', HTTP_TIMEOUT_MS: '15000' };
		const database = await openDatabase(
			store.env.DATABASE_URL ? { kind: 'postgres', url: store.env.DATABASE_URL } : { kind: 'pglite', dataDir: store.env.DATA_DIR! }
		);
		await applyMigrations(database);
		for (const key of ['library/nginx', 'nobody/nothing']) {
			await upsertTarget(database.db, { source: 'dockerhub', key, displayName: key });
		}
		await database.close();
	});
	afterAll(async () => {
		await replay.close();
		await store.cleanup();
	});

	it('collects every target, lists the failures and exits 1 when some failed', async () => {
		const { code, output } = await runCollect([], env);
		expect(output).toContain('GitHub: no GITHUB_TOKEN, so collection runs within the anonymous limit of 60 requests an hour');
		expect(output).toContain('ok     dockerhub:library/nginx');
		expect(output).toContain('failed dockerhub:nobody/nothing (notFound)');
		expect(output).toMatch(/dockerhub: partial, 1 target\(s\) collected, 1 failed, 2 request\(s\)/);
		expect(code).toBe(1);
	});

	it('collects one target with --target and exits 0', async () => {
		const { code, output } = await runCollect(['--target', 'dockerhub:library/nginx'], env);
		expect(output).toMatch(/dockerhub: ok, 1 target\(s\) collected, 0 failed, 1 request\(s\)/);
		expect(code).toBe(0);
	});

	it('exits 2 on bad usage or configuration', async () => {
		expect((await runCollect(['--source', 'nosuch'], env)).code).toBe(2);
		const badConfig = await runCollect([], { ...env, HTTP_TIMEOUT_MS: 'soon' });
		expect(badConfig.code).toBe(2);
		expect(badConfig.output).toContain('HTTP_TIMEOUT_MS: expected milliseconds');
	});
});
