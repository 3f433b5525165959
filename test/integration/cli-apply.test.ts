import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../src/lib/server/db/client.js';
import { testBackends } from '../helpers/databases.js';
import { createStoreEnv, openStoreEnvDatabase, runScript } from '../helpers/server.js';

// A test here runs the CLIs as `npm run` does: a tsx process each, opening the store (a PGlite store
// takes seconds of CPU to open). Three in a row passed a minute on 2 busy cores, so these tests get three.
vi.setConfig({ testTimeout: 180_000 });

// One backend is enough for the command itself: the plan and its writes run on both in config-file.test.ts.
const backend = testBackends[testBackends.length - 1]!;
const file = join(tmpdir(), `dockpulse-apply-${process.pid}.yaml`);
const badFile = join(tmpdir(), `dockpulse-apply-bad-${process.pid}.yaml`);
writeFileSync(
	file,
	`targets:
  - ref: github:moby/moby
events:
  - {date: 2015-06-22, label: DockerCon 2015, target: github:moby/moby}
alerts:
  - name: moby passes 100k stars
    scope: github:moby/moby:stars
    condition: {kind: milestone, value: 100000}
    channels: {webhooks: [{url: "\${APPLY_TEST_WEBHOOK}", format: slack}]}
`
);
writeFileSync(badFile, 'targets:\n  - ref: github:moby/moby\nalerts:\n  - name: x\n    scope: github:moby/moby:stars\n    condition: {kind: milestone, value: 1}\n    channels: {webhooks: [{url: "https://hooks.example.com/secret"}]}\n');

describe(`npm run apply on ${backend.name}`, () => {
	let store: Awaited<ReturnType<typeof createStoreEnv>>;
	let env: Record<string, string>;
	beforeAll(async () => {
		store = await createStoreEnv(backend.name);
		env = { ...store.env, DEFAULT_WATCHLIST: 'false', APPLY_TEST_WEBHOOK: 'https://hooks.example.com/services/T/B' };
	});
	afterAll(async () => {
		await store.cleanup();
		rmSync(file, { force: true });
		rmSync(badFile, { force: true });
	});

	const countTargets = async () => {
		const database = await openStoreEnvDatabase(store.env);
		try {
			const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from targets where source = 'github'`);
			return row!.n;
		} finally {
			await database.close();
		}
	};

	it('prints the plan with --dry-run and writes nothing, then applies it, then finds nothing to change', async () => {
		const dry = await runScript('scripts/apply.ts', [file, '--dry-run'], env);
		expect(dry.stdout.split('\n')).toEqual([
			'+ target github:moby/moby',
			'+ event 2015-06-22 "DockerCon 2015" (github:moby/moby)',
			'+ alert "moby passes 100k stars"',
			'3 change(s) planned; nothing applied (--dry-run)',
			''
		]);
		expect(dry.code).toBe(0);
		expect(await countTargets()).toBe(0);

		const applied = await runScript('scripts/apply.ts', [file], env);
		expect(applied.stdout).toContain('3 change(s) applied');
		expect(applied.code).toBe(0);
		expect(await countTargets()).toBe(1);

		const again = await runScript('scripts/apply.ts', [file, '--prune'], env);
		expect(again.stdout).toBe('nothing to change\n');
		expect(again.code).toBe(0);
	});

	it('exits 2 on a bad file with its line-numbered problems, and never prints the inline secret', async () => {
		const { code, output } = await runScript('scripts/apply.ts', [badFile], env);
		expect(code).toBe(2);
		expect(output).toContain(`Invalid configuration file ${badFile}:`);
		expect(output).toMatch(/line 7: alerts\.0\.channels\.webhooks\.0\.url: a webhook URL is a secret/);
		expect(output).not.toContain('hooks.example.com/secret');
		const unset = await runScript('scripts/apply.ts', [file], { ...env, APPLY_TEST_WEBHOOK: '' });
		expect(unset.code).toBe(2);
		expect(unset.output).toContain('line 9: ${APPLY_TEST_WEBHOOK} is not set in the environment');
		const usage = await runScript('scripts/apply.ts', [], env);
		expect(usage.code).toBe(2);
		expect(usage.output).toContain('usage: npm run apply -- <file.yaml> [--dry-run] [--prune]');
	});
});
