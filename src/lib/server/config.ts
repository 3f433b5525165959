import { z } from 'zod';
import { parseSeriesRef, type SeriesRef } from '../refs.js';
import { isLoopbackAddress, isLoopbackName } from './auth/addresses.js';
import { alertsShape, readAlertsConfig, type AlertsConfig } from './config-alerts.js';
import { limitsShape, readLimits, type Limits } from './config-limits.js';
import { metricsShape, readMetricsConfig, type MetricsConfig } from './config-metrics.js';
import { booleanFlag, cronExpression } from './config-values.js';
import { counterShape, readCounterConfig, type CounterConfig } from './config-counters.js';
import { readRetentionConfig, retentionShape, type RetentionConfig } from './config-retention.js';

export type { CounterConfig } from './config-counters.js';

/**
 * The environment, validated once. Only the entry points (the server's init hook, jobs/worker.ts and the
 * scripts) call loadConfig; everything below them receives the typed Config.
 */

/** The overview's headline series unless FEATURED_SERIES says otherwise: Docker's flagship numbers. */
export const defaultFeaturedSeries = [
	'dockerhub:library/nginx:pulls',
	'dockerhub:library/alpine:pulls',
	'github:moby/moby:stars',
	'github:docker/compose:stars',
	'github:moby/moby:contributors',
	'ecosystem:github-repos:docker:repositories'
];

const featuredSeries = z.string().transform((text, ctx) => {
	const refs: SeriesRef[] = [];
	for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
		const parsed = parseSeriesRef(item);
		if (!parsed.ok) {
			ctx.addIssue({ code: 'custom', message: `"${item}": ${parsed.message} (expected comma-separated <source>:<key>:<metric>)` });
			return z.NEVER;
		}
		refs.push(parsed.value);
	}
	return refs;
});

/** A listen address on this machine only: localhost, 127.x.x.x, or ::1 with or without brackets. */
export function isLoopbackHost(host: string): boolean {
	return isLoopbackAddress(host) || isLoopbackName(host);
}

// Host names, not URLs: what a browser puts in the Host header, without the port.
const hostNameList = z.string().transform((text, ctx) => {
	const names = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
	const bad = names.find((name) => !/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(name));
	if (bad !== undefined) {
		ctx.addIssue({ code: 'custom', message: `"${bad}" is not a host name (expected comma-separated names without scheme or port, e.g. dockpulse.lan,dash.example.com)` });
		return z.NEVER;
	}
	return names;
});

/**
 * adapter-node settings that only make sense behind a reverse proxy (they make it trust headers the
 * proxy sets) or on a socket whose callers have no address: open mode cannot tell who calls there.
 */
const proxySettings = ['SOCKET_PATH', 'ADDRESS_HEADER', 'HOST_HEADER'] as const;

const configSchema = z
	.object({
		DATABASE_URL: z
			.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres://user@host:port/database URL' })
			.optional(),
		DATA_DIR: z.string().min(1, 'expected a folder path').default('./data'),
		HOST: z.string().min(1, 'expected a host name or address').default('127.0.0.1'),
		PORT: z.coerce
			.number({ error: 'expected a port number' })
			.int('expected a whole number')
			.min(1, 'expected a port between 1 and 65535')
			.max(65535, 'expected a port between 1 and 65535')
			.default(3000),
		ADMIN_TOKEN: z
			.string()
			.min(16, 'expected at least 16 characters (a random secret; try `openssl rand -hex 24`)')
			.optional(),
		REQUIRE_SIGN_IN: booleanFlag.default(false),
		// adapter-node's own: the public URL of the site; its host is one reads may be addressed to.
		ORIGIN: z.url({ protocol: /^https?$/, error: 'expected the public URL of the site, e.g. https://dockpulse.example.com' }).optional(),
		ALLOWED_HOSTS: hostNameList.optional(),
		SOCKET_PATH: z.string().optional(),
		ADDRESS_HEADER: z.string().optional(),
		HOST_HEADER: z.string().optional(),
		DB_POOL_MAX: z.coerce
			.number({ error: 'expected a number' })
			.int('expected a whole number')
			.min(1, 'expected at least 1')
			.max(200, 'expected at most 200')
			.default(10),
		RUN_SCHEDULES: booleanFlag.default(true),
		CATCH_UP_ON_START: booleanFlag.default(true),
		DEFAULT_WATCHLIST: booleanFlag.default(true),
		CONFIG_FILE: z.string().min(1).optional(),
		DOCKERHUB_API_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).default('https://hub.docker.com'),
		DOCKERHUB_USERNAME: z.string().min(1).optional(),
		DOCKERHUB_TOKEN: z.string().min(1).optional(),
		HTTP_TIMEOUT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100, 'expected at least 100').default(15_000),
		HTTP_MAX_RETRIES: z.coerce.number({ error: 'expected a number' }).int().min(0).max(10, 'expected at most 10').default(3),
		HTTP_RETRY_BASE_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(1).default(1_000),
		RATE_LIMIT_MAX_WAIT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(0).default(60_000),
		COLLECT_CONCURRENCY: z.coerce.number({ error: 'expected a number' }).int().min(1).max(64, 'expected at most 64').default(8),
		COLLECT_BATCH_SIZE: z.coerce.number({ error: 'expected a number' }).int().min(1).max(10_000, 'expected at most 10000').default(50),
		DOCKERHUB_CRON: cronExpression.default('0 * * * *'),
		GITHUB_API_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).default('https://api.github.com'),
		GITHUB_TOKEN: z.string().min(1).optional(),
		GITHUB_CRON: cronExpression.default('5 * * * *'),
		GITHUB_CONTRIBUTORS_CRON: cronExpression.default('15 3 * * *'),
		ECOSYSTEM_CRON: cronExpression.default('30 4 * * *'),
		BACKFILL_CRON: cronExpression.default('*/10 * * * *'),
		ECOSYSTEM_GITHUB_QUALIFIERS: z.string().default('in:name,description,topics'),
		GITHUB_BATCH_SIZE: z.coerce.number({ error: 'expected a number' }).int().min(1).max(100, 'expected at most 100').default(50),
		GITHUB_ANONYMOUS_HOURLY_REQUESTS: z.coerce.number({ error: 'expected a number' }).int().min(1).max(60, 'expected at most 60').default(40),
		FEATURED_SERIES: featuredSeries.prefault(defaultFeaturedSeries.join(',')),
		LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
		...alertsShape,
		...metricsShape,
		...counterShape,
		...retentionShape,
		...limitsShape
	})
	.superRefine((env, ctx) => {
		if (!env.ADMIN_TOKEN && !isLoopbackHost(env.HOST)) {
			ctx.addIssue({
				code: 'custom',
				path: ['HOST'],
				message: `HOST=${env.HOST} is reachable from other machines, so ADMIN_TOKEN must be set to protect writes (or use HOST=127.0.0.1)`
			});
		}
		for (const name of proxySettings) {
			if (!env.ADMIN_TOKEN && env[name] !== undefined) {
				ctx.addIssue({
					code: 'custom',
					path: [name],
					message: `${name} is for running behind a reverse proxy, where every caller looks local, so ADMIN_TOKEN must be set to protect writes`
				});
			}
		}
		if ((env.DOCKERHUB_USERNAME === undefined) !== (env.DOCKERHUB_TOKEN === undefined)) {
			ctx.addIssue({
				code: 'custom',
				path: [env.DOCKERHUB_USERNAME ? 'DOCKERHUB_TOKEN' : 'DOCKERHUB_USERNAME'],
				message: 'DOCKERHUB_USERNAME and DOCKERHUB_TOKEN go together (a Docker Hub user and a personal access token)'
			});
		}
		if (env.REQUIRE_SIGN_IN && !env.ADMIN_TOKEN) {
			ctx.addIssue({
				code: 'custom',
				path: ['REQUIRE_SIGN_IN'],
				message: 'REQUIRE_SIGN_IN=true needs ADMIN_TOKEN, the secret one signs in with'
			});
		}
	});

export interface Config {
	databaseUrl: string | undefined;
	dataDir: string;
	host: string;
	port: number;
	adminToken: string | undefined;
	isSignInRequired: boolean;
	/**
	 * Host names (lower case, no port) that reads may be addressed to besides loopback ones: ALLOWED_HOSTS
	 * and ORIGIN's host. Checked in open mode always, with ADMIN_TOKEN only when ALLOWED_HOSTS is set.
	 */
	allowedHosts: string[];
	/** Whether ALLOWED_HOSTS was given, which turns the Host check on for token-less reads with ADMIN_TOKEN too. */
	isHostListSet: boolean;
	dbPoolMax: number;
	isSchedulingEnabled: boolean;
	/** At start, run each job whose last tick is older than its interval (a new store's first collection). */
	isCatchUpEnabled: boolean;
	/** Load Docker's core repositories and official images as targets on a store's first start. */
	isDefaultWatchlistEnabled: boolean;
	/** A configuration file (targets, featured, events, alerts) applied at start, without prune. */
	configFile: string | undefined;
	/** Series shown as headline cards on the overview, in this order; those without data are left out. */
	featuredSeries: SeriesRef[];
	alerts: AlertsConfig;
	logLevel: 'debug' | 'info' | 'warn' | 'error';
	/** Prometheus metrics: GET /metrics on the server, and the worker's own port (`npm run worker`). */
	metrics: MetricsConfig;
	http: HttpConfig;
	dockerhub: {
		apiUrl: string;
		/** With token (a personal access token), exchanged for short-lived access tokens. */
		username: string | undefined;
		/** Never logged, never sent to the browser. */
		token: string | undefined;
		cron: string;
	};
	github: {
		/** REST base URL; GraphQL is at `${apiUrl}/graphql`. */
		apiUrl: string;
		/** Never logged, never sent to the browser. */
		token: string | undefined;
		cron: string;
		contributorsCron: string;
		/** Repositories per GraphQL query. */
		batchSize: number;
		/**
		 * Without a token: requests an hourly run may spend of the anonymous 60 an hour; the rest is
		 * left for the daily contributor count and the backfills.
		 */
		anonymousHourlyRequests: number;
	};
	/** History backfills run this often, each run within its request budget. */
	backfillCron: string;
	ecosystem: {
		cron: string;
		/** Added to the term of an `ecosystem:github-repos:<term>` target to make the search query. */
		githubQualifiers: string;
	};
	collectConcurrency: number;
	/** Targets per batch of a scheduled tick that several workers share (jobs/collectors/shared-tick.ts). */
	collectBatchSize: number;
	counters: CounterConfig;
	/** RAW_RETENTION_DAYS and the compaction's schedule (retention/compact.ts). */
	retention: RetentionConfig;
	limits: Limits;
}

export interface HttpConfig {
	timeoutMs: number;
	maxRetries: number;
	retryBaseMs: number;
	/** A rate limit that resets sooner than this is waited out; a longer one ends the run for that source. */
	rateLimitMaxWaitMs: number;
}

export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
		this.name = 'ConfigError';
	}
}

/** Reads the environment; throws ConfigError naming each bad variable and what it expects. */
export function loadConfig(env: Record<string, string | undefined>): Config {
	// An empty variable (FOO= in a .env file) means "not set", not "set to the empty string".
	const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
	const parsed = configSchema.safeParse(present);
	if (!parsed.success) {
		throw new ConfigError(
			parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`)
		);
	}
	const e = parsed.data;
	return {
		databaseUrl: e.DATABASE_URL,
		dataDir: e.DATA_DIR,
		host: e.HOST,
		port: e.PORT,
		adminToken: e.ADMIN_TOKEN,
		isSignInRequired: e.REQUIRE_SIGN_IN,
		allowedHosts: [...(e.ALLOWED_HOSTS ?? []), ...(e.ORIGIN ? [new URL(e.ORIGIN).hostname] : [])],
		isHostListSet: e.ALLOWED_HOSTS !== undefined,
		dbPoolMax: e.DB_POOL_MAX,
		isSchedulingEnabled: e.RUN_SCHEDULES,
		isCatchUpEnabled: e.CATCH_UP_ON_START,
		isDefaultWatchlistEnabled: e.DEFAULT_WATCHLIST,
		configFile: e.CONFIG_FILE,
		featuredSeries: e.FEATURED_SERIES,
		logLevel: e.LOG_LEVEL,
		metrics: readMetricsConfig(e),
		http: {
			timeoutMs: e.HTTP_TIMEOUT_MS,
			maxRetries: e.HTTP_MAX_RETRIES,
			retryBaseMs: e.HTTP_RETRY_BASE_MS,
			rateLimitMaxWaitMs: e.RATE_LIMIT_MAX_WAIT_MS
		},
		dockerhub: {
			apiUrl: e.DOCKERHUB_API_URL.replace(/\/+$/, ''),
			username: e.DOCKERHUB_USERNAME,
			token: e.DOCKERHUB_TOKEN,
			cron: e.DOCKERHUB_CRON
		},
		github: {
			apiUrl: e.GITHUB_API_URL.replace(/\/+$/, ''),
			token: e.GITHUB_TOKEN,
			cron: e.GITHUB_CRON,
			contributorsCron: e.GITHUB_CONTRIBUTORS_CRON,
			batchSize: e.GITHUB_BATCH_SIZE,
			anonymousHourlyRequests: e.GITHUB_ANONYMOUS_HOURLY_REQUESTS
		},
		backfillCron: e.BACKFILL_CRON,
		ecosystem: { cron: e.ECOSYSTEM_CRON, githubQualifiers: e.ECOSYSTEM_GITHUB_QUALIFIERS },
		alerts: readAlertsConfig(e),
		collectConcurrency: e.COLLECT_CONCURRENCY,
		collectBatchSize: e.COLLECT_BATCH_SIZE,
		counters: readCounterConfig(e),
		retention: readRetentionConfig(e),
		limits: readLimits(e)
	};
}
