import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { getCollector } from '../../jobs/index.js';
import { registry } from '../../src/lib/server/telemetry/metrics.js';
import { getFreePort } from '../../harness/processes.js';
import { readFixture, useCollectorHarness } from '../helpers/collector-harness.js';
import { testBackends } from '../helpers/databases.js';
import { spawnTsx, waitForOutput } from '../helpers/process-control.js';
import { startBuiltServer, useTestProcesses } from '../helpers/test-processes.js';

/**
 * Prometheus metrics: the counters a collection run moves (in this process, through the registry's
 * instrumented collectors), and GET /metrics of the built server and of the worker, with and without
 * METRICS_TOKEN; `promtool check metrics` on the exposition when promtool is installed (CI installs it).
 */

/** A sample's value in the registry, 0 when the labelled series does not exist yet. */
async function readValue(name: string, labels: Record<string, string>): Promise<number> {
	const metric = await registry.getSingleMetric(name)?.get();
	const match = metric?.values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
	return match?.value ?? 0;
}

/** The value of `name{labels}` in an exposition text, undefined when absent. */
function findSample(text: string, name: string, labels: Record<string, string>): number | undefined {
	for (const line of text.split('\n')) {
		if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
		const hasLabels = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
		if (hasLabels) return Number(line.slice(line.lastIndexOf(' ') + 1));
	}
	return undefined;
}

const promtool = spawnSync('promtool', ['--version']).status === 0 ? 'promtool' : undefined;
if (!promtool && process.env.PROMTOOL_REQUIRED === '1') throw new Error('PROMTOOL_REQUIRED=1 but promtool is not installed');

describe.each(testBackends)('metrics of collection runs on $name', (backend) => {
	const h = useCollectorHarness(backend, { source: 'dockerhub', startAt: '2026-11-28T10:00:00Z', env: { HTTP_MAX_RETRIES: '0' } });
	const dockerhub = getCollector('dockerhub')!;

	it('counts a run by outcome, its requests and the observed samples it wrote', async () => {
		await h.addTargets('library/nginx', 'library/gone');
		h.replay
			.route('/v2/namespaces/library/repositories/nginx', { body: readFixture('dockerhub/doc-repository-library-nginx.json') })
			.route('/v2/namespaces/library/repositories/gone', { status: 404, body: { message: 'not found' } });
		const before = {
			partial: await readValue('dockpulse_collection_runs_total', { collector: 'dockerhub', outcome: 'partial' }),
			requests: await readValue('dockpulse_source_requests_total', { source: 'dockerhub' }),
			samples: await readValue('dockpulse_samples_written_total', { source: 'dockerhub', provenance: 'observed' })
		};
		const report = await dockerhub.run(h.db, h.config(), h.options());
		expect(report.status).toBe('partial');
		expect(await readValue('dockpulse_collection_runs_total', { collector: 'dockerhub', outcome: 'partial' })).toBe(before.partial + 1);
		expect(await readValue('dockpulse_source_requests_total', { source: 'dockerhub' })).toBe(before.requests + report.requestsMade);
		expect(await readValue('dockpulse_samples_written_total', { source: 'dockerhub', provenance: 'observed' })).toBe(before.samples + 2);
		// The same values again change no sample: the counter stays.
		await dockerhub.run(h.db, h.config(), { ...h.options(), onlyKey: 'library/nginx' });
		expect(await readValue('dockpulse_samples_written_total', { source: 'dockerhub', provenance: 'observed' })).toBe(before.samples + 2);
	});
});

async function startServer(env: Record<string, string>, use: ReturnType<typeof useTestProcesses>, backend: 'pglite' | 'postgres' = 'pglite') {
	const store = await use.newStore(backend);
	return startBuiltServer({ RUN_SCHEDULES: 'false', ...store.env, ...env }, use.track);
}

describe.each(testBackends)('GET /metrics on $name', (backend) => {
	const use = useTestProcesses();

	it('exposes HTTP, outbox, backfill and process metrics, clean under promtool when installed', async () => {
		const { url } = await startServer({ METRICS: 'true' }, use, backend.name);
		await fetch(`${url}/api/series?series=nope:nope:pulls`);
		const response = await fetch(`${url}/metrics`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
		const text = await response.text();
		expect(findSample(text, 'dockpulse_http_requests_total', { method: 'GET', route: '/api/series', status: '400' })).toBe(1);
		expect(findSample(text, 'dockpulse_http_request_duration_seconds_count', { method: 'GET', route: '/api/series' })).toBe(1);
		expect(findSample(text, 'dockpulse_alert_outbox_pending', {})).toBe(0);
		expect(findSample(text, 'dockpulse_report_outbox_pending', {})).toBe(0);
		expect(findSample(text, 'dockpulse_backfill_targets', { part: 'stars', state: 'not_started' })).toBe(0);
		expect(findSample(text, 'process_cpu_seconds_total', {})).toBeGreaterThan(0);
		if (backend.name === 'postgres') expect(findSample(text, 'dockpulse_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
		if (promtool) {
			const check = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
			expect(`${check.stdout}${check.stderr}`).toBe('');
			expect(check.status).toBe(0);
		}
	});
});

// Who may scrape does not depend on the database: these run on the embedded one.
describe('who may scrape /metrics', () => {
	const use = useTestProcesses();

	it('is off unless METRICS=true', async () => {
		const { url } = await startServer({}, use);
		const response = await fetch(`${url}/metrics`);
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ error: 'not_found' });
	});

	it('asks for METRICS_TOKEN when set, even where reading needs sign-in', async () => {
		const token = 'metrics-token-0123456789abcdef';
		const { url } = await startServer({ METRICS: 'true', METRICS_TOKEN: token, ADMIN_TOKEN: 'admin-token-0123456789abcdef', REQUIRE_SIGN_IN: 'true' }, use);
		expect((await fetch(`${url}/metrics`)).status).toBe(401);
		expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer admin-token-0123456789abcdef' } })).status).toBe(401);
		const scraped = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
		expect(scraped.status).toBe(200);
		expect(await scraped.text()).toContain('dockpulse_http_requests_total');
	});

	it('is served by the worker on METRICS_PORT', async () => {
		const store = await use.newStore('pglite');
		const port = await getFreePort();
		const worker = use.track(spawnTsx('jobs/worker.ts', [], { ...store.env, METRICS: 'true', METRICS_PORT: String(port) }));
		await waitForOutput(worker, 'scheduled job(s)');
		const response = await fetch(`http://127.0.0.1:${port}/metrics`);
		expect(response.status).toBe(200);
		const text = await response.text();
		expect(text).toContain('dockpulse_collection_runs_total');
		expect(findSample(text, 'dockpulse_alert_outbox_pending', {})).toBe(0);
		expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
	});
});
