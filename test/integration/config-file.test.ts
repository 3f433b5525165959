import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDeclaration } from '../../src/lib/server/config-file/apply.js';
import { parseConfigFile, type Declaration } from '../../src/lib/server/config-file/parse.js';
import { formatPlanItem, PlanProblem } from '../../src/lib/server/config-file/plan.js';
import { queryRows, type Database } from '../../src/lib/server/db/client.js';
import { addManualEvent, manualEventInput } from '../../src/lib/server/events/events.js';
import { upsertSamples } from '../../src/lib/server/db/queries/samples.js';
import { upsertSeries, upsertTarget } from '../../src/lib/server/db/queries/targets.js';
import { readFeaturedSeries } from '../../src/lib/server/overview/featured.js';
import { readScorecardOverrides } from '../../src/lib/server/scorecard/overrides.js';
import { openStore } from '../../src/lib/server/store.js';
import { formatSeriesRef } from '../../src/lib/refs.js';
import { exampleConfigFile } from '../helpers/config-example.js';
import { testBackends } from '../helpers/databases.js';

const env = { SLACK_WEBHOOK_URL: 'https://hooks.example.com/services/T1/B2' };
const fileText = exampleConfigFile;
const declare = (text: string): Declaration => parseConfigFile('test.yaml', text, env);
const options = { prune: false, dryRun: false, alertPatternMaxSeries: 1000 };

/** Everything a configuration file may touch, to show that a run changed nothing. */
async function snapshot(database: Database): Promise<unknown[]> {
	return Promise.all([
		queryRows(database.db, sql`select id, source, key, display_name, is_active, metadata from targets order by id`),
		queryRows(database.db, sql`select id, target_id, ts, kind, label, url from events order by id`),
		queryRows(database.db, sql`select * from alert_rules order by id`),
		queryRows(database.db, sql`select key, value from app_state order by key`),
		queryRows(database.db, sql`select count(*)::int as n from samples`)
	]);
}

describe.each(testBackends)('configuration as code on $name', (backend) => {
	let database: Database;
	beforeAll(async () => {
		database = await backend.open();
	});
	afterAll(() => database.close());
	const plan = async (text: string, opts: Partial<typeof options> = {}) =>
		(await applyDeclaration(database.db, declare(text), { ...options, ...opts })).map(formatPlanItem);

	it('a dry run prints the plan and writes nothing', async () => {
		const before = await snapshot(database);
		expect(await plan(fileText(100_000), { dryRun: true })).toEqual([
			'+ target github:moby/moby',
			'+ target dockerhub:library',
			'~ target dockerhub:library: exclude library/hello-world',
			'+ featured: github:moby/moby:stars, dockerhub:library/nginx:pulls',
			'+ event 2015-06-22 "DockerCon 2015" (github:moby/moby)',
			'+ alert "moby passes 100k stars"'
		]);
		expect(await snapshot(database)).toEqual(before);
	});

	it('applies the plan without asking the sources, and the same file again changes nothing', async () => {
		expect(await plan(fileText(100_000))).toHaveLength(6);
		const targets = await queryRows<{ source: string; key: string; is_active: boolean; status: string; metadata: Record<string, unknown> }>(
			database.db,
			sql`select source, key, is_active, status, metadata from targets order by source, key`
		);
		expect(targets.map((t) => [t.source, t.key, t.is_active])).toEqual([['dockerhub', 'library', true], ['github', 'moby/moby', true]]);
		expect(targets[0]!.metadata.removedListed).toEqual(['library/hello-world']);
		expect((await readFeaturedSeries(database.db, [])).map(formatSeriesRef)).toEqual(['github:moby/moby:stars', 'dockerhub:library/nginx:pulls']);
		const [rule] = await queryRows<{ channels: unknown; condition: unknown }>(database.db, sql`select channels, condition from alert_rules`);
		expect(rule).toEqual({ channels: { webhooks: [{ url: env.SLACK_WEBHOOK_URL, format: 'slack' }], emails: [] }, condition: { kind: 'milestone', value: 100_000 } });

		const before = await snapshot(database);
		expect(await plan(fileText(100_000))).toEqual([]);
		expect(await snapshot(database)).toEqual(before);
	});

	it('changes an alert rule in place: its id and its alerts stay', async () => {
		const [rule] = await queryRows<{ id: number }>(database.db, sql`select id from alert_rules`);
		const moby = await upsertTarget(database.db, { source: 'github', key: 'moby/moby', displayName: 'x' });
		const stars = await upsertSeries(database.db, moby, { metric: 'stars', unit: 'stars', kind: 'counter' });
		await database.db.execute(sql`insert into alert_instances (rule_id, series_id, state, evaluated_at) values (${rule!.id}, ${stars}, 'pending', now())`);
		expect(await plan(fileText(70_000))).toEqual(['~ alert "moby passes 100k stars": condition']);
		const rules = await queryRows<{ id: number; condition: unknown }>(database.db, sql`select id, condition from alert_rules`);
		expect(rules).toEqual([{ id: rule!.id, condition: { kind: 'milestone', value: 70_000 } }]);
		const alerts = await queryRows<{ state: string }>(database.db, sql`select state from alert_instances where rule_id = ${rule!.id}`);
		expect(alerts).toEqual([{ state: 'pending' }]);
	});

	it('keeps a snooze set on the alerts page unless the file snoozes the rule itself', async () => {
		await database.db.execute(sql`update alert_rules set snoozed_until = '2030-01-01T00:00:00Z'`);
		expect(await plan(fileText(70_000))).toEqual([]);
		const snoozed = fileText(70_000).replace('    condition:', '    snoozedUntil: 2031-01-01\n    condition:');
		expect(await plan(snoozed)).toEqual(['~ alert "moby passes 100k stars": snoozedUntil']);
		const [rule] = await queryRows<{ snoozed_until: unknown }>(database.db, sql`select snoozed_until::text from alert_rules`);
		expect(String(rule!.snoozed_until)).toMatch(/^2031-01-01/);
		expect(await plan(fileText(70_000))).toEqual([]);
	});

	it('an exclusion makes a tracked image of the namespace inactive, its data kept', async () => {
		await upsertTarget(database.db, { source: 'dockerhub', key: 'library/busybox', displayName: 'x' });
		const text = fileText(70_000).replace('exclude: [library/hello-world]', 'exclude: [library/hello-world, library/busybox]');
		expect(await plan(text)).toEqual(['~ target dockerhub:library: exclude library/busybox (dockerhub:library/busybox made inactive; its data is kept)']);
		const [busybox] = await queryRows<{ is_active: boolean }>(database.db, sql`select is_active from targets where key = 'library/busybox'`);
		expect(busybox).toEqual({ is_active: false });
		expect(await plan(text)).toEqual([]);
	});

	it('prunes only with --prune: targets made inactive with their data, never reference, import or listed images', async () => {
		const other = await upsertTarget(database.db, { source: 'github', key: 'other/thing', displayName: 'x' });
		const otherStars = await upsertSeries(database.db, other, { metric: 'stars', unit: 'stars', kind: 'counter' });
		await upsertSamples(database.db, otherStars, 'observed', [{ ts: new Date('2024-01-01T00:00:00Z'), value: 5 }]);
		await upsertTarget(database.db, { source: 'reference', key: 'docker-inc', displayName: 'x' });
		await upsertTarget(database.db, { source: 'import', key: 'my/series', displayName: 'x' });
		await upsertTarget(database.db, { source: 'dockerhub', key: 'library/redis', displayName: 'x' });
		await addManualEvent(database.db, manualEventInput.parse({ date: '2020-01-01', label: 'by hand' }));
		await database.db.execute(sql`update targets set metadata = jsonb_set(metadata, '{removedListed}', '["library/hello-world", "library/busybox"]') where key = 'library'`);
		await database.db.execute(sql`insert into alert_rules (name, scope, scope_source, scope_key, scope_metric, condition)
			values ('by hand', '*:*:stars', '*', '*', 'stars', '{"kind":"stale","maxAgeHours":48}')`);
		const withoutFeatured = fileText(70_000).replace(/^featured:.*\n/m, '');

		expect(await plan(withoutFeatured)).toEqual([]);
		const prunePlan = [
			'~ target dockerhub:library: stop excluding library/busybox',
			'- target github:other/thing (made inactive; its data is kept)',
			'- featured (back to FEATURED_SERIES)',
			'- event 2020-01-01 "by hand"',
			'- alert "by hand" (with its alerts and their history)'
		];
		expect(await plan(withoutFeatured, { prune: true, dryRun: true })).toEqual(prunePlan);
		expect(await plan(withoutFeatured, { prune: true })).toEqual(prunePlan);
		const active = await queryRows<{ ref: string; is_active: boolean }>(database.db, sql`select source || ':' || key as ref, is_active from targets order by 1`);
		expect(active).toEqual([
			{ ref: 'dockerhub:library', is_active: true },
			// Made inactive by its exclusion above; pruning leaves an inactive target as it is.
			{ ref: 'dockerhub:library/busybox', is_active: false },
			{ ref: 'dockerhub:library/redis', is_active: true },
			{ ref: 'github:moby/moby', is_active: true },
			{ ref: 'github:other/thing', is_active: false },
			{ ref: 'import:my/series', is_active: true },
			{ ref: 'reference:docker-inc', is_active: true }
		]);
		expect(await queryRows(database.db, sql`select count(*)::int as n from samples where series_id = ${otherStars}`)).toEqual([{ n: 1 }]);
		expect(await readFeaturedSeries(database.db, [])).toEqual([]);
		expect(await plan(withoutFeatured, { prune: true })).toEqual([]);
		// Declared again, an inactive target is tracked again.
		expect(await plan(`${withoutFeatured}\n`.replace('targets:\n', 'targets:\n  - ref: github:other/thing\n'))).toEqual(['+ target github:other/thing (tracked again)']);
	});

	it('two applies at once (two processes starting with one CONFIG_FILE) write each item once', async () => {
		const text = 'targets:\n  - ref: github:race/one\nevents:\n  - {date: 2019-01-01, label: race}\nalerts:\n  - {name: race rule, scope: "github:race/one:stars", condition: {kind: stale, maxAgeHours: 48}}\n';
		const plans = await Promise.all([plan(text), plan(text)]);
		expect(plans.map((p) => p.length).sort()).toEqual([0, 3]);
		expect(await queryRows(database.db, sql`select count(*)::int as n from alert_rules where name = 'race rule'`)).toEqual([{ n: 1 }]);
		expect(await queryRows(database.db, sql`select count(*)::int as n from events where label = 'race'`)).toEqual([{ n: 1 }]);
	});

	it("plans the scorecard section a line per row, stores it where the scorecard reads it, and takes a row back to its declared measure", async () => {
		const section = (rows: string) => `scorecard:\n${rows}`;
		const union = '  contributors: {distinctContributors: [github:moby/moby, github:docker/cli]}\n';
		const pulls = '  container-downloads: {sum: ["dockerhub:library/*:pulls"]}\n';
		const before = await snapshot(database);
		const added = ['+ scorecard contributors: distinct contributors across github:moby/moby, github:docker/cli', '+ scorecard container-downloads: the sum of dockerhub:library/*:pulls'];
		expect(await plan(section(union + pulls), { dryRun: true })).toEqual(added);
		expect(await snapshot(database)).toEqual(before);
		expect(await plan(section(union + pulls))).toEqual(added);
		expect(await readScorecardOverrides(database.db)).toEqual({
			contributors: { kind: 'distinctContributors', repositories: ['github:moby/moby', 'github:docker/cli'] },
			'container-downloads': { kind: 'sum', selectors: ['dockerhub:library/*:pulls'] }
		});
		expect(await plan(section(union + pulls))).toEqual([]);

		expect(await plan(section('  contributors: {series: [github:moby/moby:contributors]}\n'))).toEqual([
			'~ scorecard contributors: github:moby/moby:contributors',
			'- scorecard container-downloads (back to its declared measure)'
		]);
		expect(await readScorecardOverrides(database.db)).toEqual({ contributors: { kind: 'series', candidates: ['github:moby/moby:contributors'] } });
		// A file without the section leaves it as stored, unless it prunes.
		expect(await plan('targets: []\n')).toEqual([]);
		expect(await plan('targets: []\n', { prune: true })).toContain('- scorecard (every row back to its declared measure)');
		expect(await readScorecardOverrides(database.db)).toBeUndefined();
		expect(await plan('targets: []\n', { prune: true })).toEqual([]);
	});

	it('refuses an event about a target that is neither stored nor declared, and writes nothing', async () => {
		const before = await snapshot(database);
		const text = 'featured: [github:a/b:stars]\nevents:\n  - {date: 2016-01-01, label: x, target: github:nobody/here}\n';
		await expect(plan(text)).rejects.toThrow(PlanProblem);
		await expect(plan(text)).rejects.toThrow(/no target github:nobody\/here \(declare it under targets\)/);
		expect(await snapshot(database)).toEqual(before);
	});
});

describe('CONFIG_FILE at start (embedded store)', () => {
	const dir = mkdtempSync(join(tmpdir(), 'dockpulse-config-file-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));
	const startEnv = (file: string) => ({ DATA_DIR: join(dir, 'data'), CONFIG_FILE: file, DEFAULT_WATCHLIST: 'false', ...env });

	it('applies the file after migrations, and a bad file refuses start naming its lines', async () => {
		const good = join(dir, 'good.yaml');
		writeFileSync(good, fileText(100_000));
		const store = await openStore(startEnv(good));
		try {
			const refs = await queryRows<{ ref: string }>(store.database.db, sql`select source || ':' || key as ref from targets where source in ('github', 'dockerhub') order by 1`);
			expect(refs.map((r) => r.ref)).toEqual(['dockerhub:library', 'github:moby/moby']);
		} finally {
			await store.database.close();
		}
		const bad = join(dir, 'bad.yaml');
		writeFileSync(bad, 'targets:\n  - ref: github:moby/moby\n  - ref: nowhere:x\n');
		await expect(openStore(startEnv(bad))).rejects.toThrow(/Invalid configuration file .*bad\.yaml:\n {2}- line 3: targets\.1\.ref: /);
	});
});
