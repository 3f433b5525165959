import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/server/config.js';

function problemsOf(env: Record<string, string>): string[] {
	try {
		loadConfig(env);
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return (error as ConfigError).problems;
	}
	return [];
}

describe('configuration', () => {
	it('defaults to a local embedded store on 127.0.0.1:3000', () => {
		expect(loadConfig({})).toMatchObject({
			databaseUrl: undefined,
			dataDir: './data',
			host: '127.0.0.1',
			port: 3000,
			adminToken: undefined,
			isSignInRequired: false,
			isSchedulingEnabled: true
		});
	});

	it('has resource limits by default, and reads sizes with K, M and G', () => {
		expect(loadConfig({}).limits).toEqual({
			adapterBodyMaxBytes: 512 * 1024,
			bodyMaxBytes: 65_536,
			importMaxBytes: 64 * 1024 * 1024,
			importMaxRows: 1_000_000,
			exportConcurrency: 4,
			exportTimeoutMs: 600_000,
			statementTimeoutMs: 30_000,
			alertPatternMaxSeries: 10_000,
			seriesCacheMaxBytes: 32 * 1024 * 1024
		});
		expect(loadConfig({ BODY_MAX_BYTES: '2048', IMPORT_MAX_BYTES: '1g', BODY_SIZE_LIMIT: 'Infinity', SERIES_CACHE_MAX_BYTES: '0' }).limits).toMatchObject({
			seriesCacheMaxBytes: 0,
			bodyMaxBytes: 2048,
			importMaxBytes: 1024 ** 3,
			adapterBodyMaxBytes: Infinity
		});
	});

	it('splits a shared Docker Hub tick in batches of 50 targets unless COLLECT_BATCH_SIZE says otherwise, a positive whole number', () => {
		expect(loadConfig({}).collectBatchSize).toBe(50);
		expect(loadConfig({ COLLECT_BATCH_SIZE: '200' }).collectBatchSize).toBe(200);
		expect(problemsOf({ COLLECT_BATCH_SIZE: '0' })).toEqual([expect.stringMatching(/^COLLECT_BATCH_SIZE: /)]);
		expect(problemsOf({ COLLECT_BATCH_SIZE: 'lots' })).toEqual(['COLLECT_BATCH_SIZE: expected a number']);
	});

	it('treats an empty variable as unset', () => {
		expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000);
	});

	it.each([
		[{ PORT: 'eighty' }, 'PORT: expected a port number'],
		[{ PORT: '70000' }, 'PORT: expected a port between 1 and 65535'],
		[{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL: expected a postgres://'],
		[{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN: expected at least 16 characters'],
		[{ HOST: '0.0.0.0' }, 'HOST: HOST=0.0.0.0 is reachable from other machines, so ADMIN_TOKEN must be set'],
		[{ SOCKET_PATH: '/run/dockpulse.sock' }, 'SOCKET_PATH: SOCKET_PATH is for running behind a reverse proxy, where every caller looks local, so ADMIN_TOKEN must be set'],
		[{ ADDRESS_HEADER: 'x-forwarded-for' }, 'ADDRESS_HEADER: ADDRESS_HEADER is for running behind a reverse proxy'],
		[{ HOST_HEADER: 'x-forwarded-host' }, 'HOST_HEADER: HOST_HEADER is for running behind a reverse proxy'],
		[{ ALLOWED_HOSTS: 'dash.example,https://evil.example' }, 'ALLOWED_HOSTS: "https://evil.example" is not a host name'],
		[{ ALLOWED_HOSTS: 'dash.example:3000' }, 'ALLOWED_HOSTS: "dash.example:3000" is not a host name'],
		[{ ORIGIN: 'dash.example' }, 'ORIGIN: expected the public URL of the site'],
		[{ REQUIRE_SIGN_IN: 'true' }, 'REQUIRE_SIGN_IN: REQUIRE_SIGN_IN=true needs ADMIN_TOKEN'],
		[{ REQUIRE_SIGN_IN: 'maybe' }, 'REQUIRE_SIGN_IN: expected true or false'],
		[{ DOCKERHUB_CRON: '61 * * * *' }, 'DOCKERHUB_CRON: expected a cron expression'],
		[{ GITHUB_API_URL: 'ftp://example' }, 'GITHUB_API_URL: expected an http(s) URL'],
		[{ HTTP_TIMEOUT_MS: 'soon' }, 'HTTP_TIMEOUT_MS: expected milliseconds'],
		[{ DOCKERHUB_USERNAME: 'analyst' }, 'DOCKERHUB_TOKEN: DOCKERHUB_USERNAME and DOCKERHUB_TOKEN go together'],
		[{ FEATURED_SERIES: 'github:moby/moby:stars,moby' }, 'FEATURED_SERIES: "moby"'],
		[{ BODY_MAX_BYTES: '64 KB' }, 'BODY_MAX_BYTES: expected a size in bytes from 1024 to 16777216, e.g. 65536, 64K or 64M'],
		[{ IMPORT_MAX_BYTES: '2G' }, 'IMPORT_MAX_BYTES: expected a size in bytes'],
		[{ IMPORT_MAX_ROWS: '0' }, 'IMPORT_MAX_ROWS: expected at least 1'],
		[{ BODY_SIZE_LIMIT: 'lots' }, 'BODY_SIZE_LIMIT: expected a size in bytes (e.g. 64M) or Infinity'],
		[{ EXPORT_CONCURRENCY: 'many' }, 'EXPORT_CONCURRENCY: expected a number'],
		[{ EXPORT_TIMEOUT_MS: '10' }, 'EXPORT_TIMEOUT_MS: expected at least 1000'],
		[{ STATEMENT_TIMEOUT_MS: '-1' }, 'STATEMENT_TIMEOUT_MS: expected at least 0'],
		[{ ALERT_PATTERN_MAX_SERIES: '1.5' }, 'ALERT_PATTERN_MAX_SERIES: expected a whole number']
	])('names the bad variable in %j', (env, problem) => {
		expect(problemsOf(env as Record<string, string>)).toContainEqual(expect.stringContaining(problem));
	});

	it('accepts a public HOST when ADMIN_TOKEN is set', () => {
		expect(loadConfig({ HOST: '0.0.0.0', ADMIN_TOKEN: 'a'.repeat(24) }).host).toBe('0.0.0.0');
	});

	it('accepts proxy settings when ADMIN_TOKEN is set', () => {
		const config = loadConfig({ SOCKET_PATH: '/run/dockpulse.sock', ADDRESS_HEADER: 'x-forwarded-for', ADMIN_TOKEN: 'a'.repeat(24) });
		expect(config.adminToken).toBe('a'.repeat(24));
	});

	it('allows reads addressed to ALLOWED_HOSTS and ORIGIN\'s host, in lower case', () => {
		expect(loadConfig({})).toMatchObject({ allowedHosts: [], isHostListSet: false });
		expect(loadConfig({ ALLOWED_HOSTS: ' Dockpulse.LAN , [::1] ,', ORIGIN: 'https://Dash.Example.com' })).toMatchObject({
			allowedHosts: ['dockpulse.lan', '[::1]', 'dash.example.com'],
			isHostListSet: true
		});
		expect(loadConfig({ ORIGIN: 'http://dash.example.com:8080' })).toMatchObject({ allowedHosts: ['dash.example.com'], isHostListSet: false });
	});

	it('reads the featured series in order, with Docker\'s flagship numbers by default', () => {
		expect(loadConfig({ FEATURED_SERIES: ' github:moby/moby:stars , dockerhub:library/nginx:pulls' }).featuredSeries).toEqual([
			{ source: 'github', key: 'moby/moby', metric: 'stars' },
			{ source: 'dockerhub', key: 'library/nginx', metric: 'pulls' }
		]);
		expect(loadConfig({}).featuredSeries.length).toBeGreaterThan(3);
	});

	it('compacts observed samples after 90 days unless RAW_RETENTION_DAYS says otherwise, or off', () => {
		expect(loadConfig({}).retention).toEqual({ rawDays: 90, cron: '40 2 * * *' });
		expect(loadConfig({ RAW_RETENTION_DAYS: '30', COMPACTION_CRON: '0 5 * * *' }).retention).toEqual({ rawDays: 30, cron: '0 5 * * *' });
		expect(loadConfig({ RAW_RETENTION_DAYS: 'OFF' }).retention.rawDays).toBeUndefined();
		const expected = 'expected a whole number of days, at least 1, or off';
		expect(problemsOf({ RAW_RETENTION_DAYS: '0' })).toEqual([`RAW_RETENTION_DAYS: "0" is not a number of days (${expected})`]);
		expect(problemsOf({ RAW_RETENTION_DAYS: '7.5' })).toEqual([`RAW_RETENTION_DAYS: "7.5" is not a number of days (${expected})`]);
		expect(problemsOf({ COMPACTION_CRON: 'daily' })).toHaveLength(1);
	});

	it('flags a stall on pulls only unless COUNTER_STALL_METRICS names others, or none', () => {
		expect(loadConfig({}).counters).toEqual({ jumpFactor: 2, stallDays: 3, stallMetrics: ['pulls'] });
		expect(loadConfig({ COUNTER_STALL_METRICS: ' pulls, releases ' }).counters.stallMetrics).toEqual(['pulls', 'releases']);
		expect(loadConfig({ COUNTER_STALL_METRICS: 'none' }).counters.stallMetrics).toEqual([]);
		expect(problemsOf({ COUNTER_STALL_METRICS: 'pulls;stars' })).toEqual([
			'COUNTER_STALL_METRICS: "pulls;stars" is not a metric name (expected comma-separated metrics such as pulls,stars, or none)'
		]);
	});
});
