import { z } from 'zod';

/**
 * The environment, validated once. Only the entry points (the server's init hook, jobs/worker.ts and the
 * scripts) call loadConfig; everything below them receives the typed Config.
 */

const booleanFlag = z
	.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
	.transform((v) => v === 'true' || v === '1' || v === 'yes');

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
	return loopbackHosts.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

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
		DB_POOL_MAX: z.coerce
			.number({ error: 'expected a number' })
			.int('expected a whole number')
			.min(1, 'expected at least 1')
			.max(200, 'expected at most 200')
			.default(10),
		RUN_SCHEDULES: booleanFlag.default(true),
		LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info')
	})
	.superRefine((env, ctx) => {
		if (!env.ADMIN_TOKEN && !isLoopbackHost(env.HOST)) {
			ctx.addIssue({
				code: 'custom',
				path: ['HOST'],
				message: `HOST=${env.HOST} is reachable from other machines, so ADMIN_TOKEN must be set to protect writes (or use HOST=127.0.0.1)`
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
	dbPoolMax: number;
	isSchedulingEnabled: boolean;
	logLevel: 'debug' | 'info' | 'warn' | 'error';
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
		dbPoolMax: e.DB_POOL_MAX,
		isSchedulingEnabled: e.RUN_SCHEDULES,
		logLevel: e.LOG_LEVEL
	};
}
