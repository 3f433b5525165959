import { describe, expect, it } from 'vitest';
import { startBuiltServer, useTestProcesses } from '../helpers/test-processes.js';
import { signalAndWait, spawnTsx } from '../helpers/process-control.js';
import { runScript } from '../helpers/server.js';

/**
 * Structured logs (pino): JSON lines under NODE_ENV=production, start-up notes included; LOG_LEVEL
 * honoured; secrets redacted wherever they sit in what is logged; a CLI's log on stderr, its output on
 * stdout.
 */

const secrets = ['admin-secret-0123456789', 'ghp_githubsecret', 'dckr_pat_hubsecret', 'smtpsecret', 'dbsecret', 'cookiesecret', 'loose-token-secret', 'loose-password-secret'];

/** Every non-empty line as JSON; fails naming the first line that is not. */
function parseJsonLines(text: string): Record<string, unknown>[] {
	return text
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => {
			try {
				return JSON.parse(line) as Record<string, unknown>;
			} catch {
				throw new Error(`not a JSON line: ${line}`);
			}
		});
}

describe('the log', () => {
	it('writes JSON lines in production with every secret redacted, at the level asked', async () => {
		const probe = spawnTsx('test/helpers/log-probe.ts', ['info'], { NODE_ENV: 'production' });
		expect(await probe.closed).toBe(0);
		const output = probe.output();
		for (const secret of secrets) expect(output).not.toContain(secret);
		const lines = parseJsonLines(output);
		expect(lines.map((l) => l.msg)).toEqual(['configuration read', 'a request', 'a failure']);
		expect(lines.map((l) => l.level)).toEqual([30, 40, 50]);
		expect(lines[0]).toMatchObject({ config: { adminToken: '[redacted]', databaseUrl: '[redacted]', github: { token: '[redacted]' }, dockerhub: { token: '[redacted]' }, alerts: { smtpUrl: '[redacted]' } } });
		expect(lines[1]).toMatchObject({ request: { headers: { authorization: '[redacted]', cookie: '[redacted]' } } });
		expect(lines[2]).toMatchObject({ token: '[redacted]', password: '[redacted]', err: { message: 'boom', type: 'Error' } });
	});

	it('drops lines below LOG_LEVEL and is readable text outside production', async () => {
		const warnOnly = spawnTsx('test/helpers/log-probe.ts', ['warn'], { NODE_ENV: 'production' });
		expect(await warnOnly.closed).toBe(0);
		expect(parseJsonLines(warnOnly.output()).map((l) => l.msg)).toEqual(['a request', 'a failure']);
		const readable = spawnTsx('test/helpers/log-probe.ts', ['debug'], { NODE_ENV: 'development' });
		expect(await readable.closed).toBe(0);
		const text = readable.output();
		expect(text).toMatch(/DEBUG.*a debug line/);
		expect(text).toMatch(/ERROR.*a failure/);
		expect(() => JSON.parse(text.split('\n')[0]!)).toThrow();
		for (const secret of secrets) expect(text).not.toContain(secret);
	});
});

// The log does not depend on the database: these run on the embedded one.
describe('process logs', () => {
	const backend = { name: 'pglite' as const };
	const use = useTestProcesses();

	it('the built server logs its start-up notes and its shutdown as JSON in production', async () => {
		const store = await use.newStore(backend.name);
		const { server } = await startBuiltServer({ ...store.env, NODE_ENV: 'production', GITHUB_TOKEN: 'ghp_githubsecret' }, use.track);
		await signalAndWait(server, 'SIGTERM');
		const lines = parseJsonLines(server.output());
		expect(lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('Dockpulse: database'))).toMatchObject({ level: 30, database: backend.name });
		expect(lines.some((l) => l.msg === 'Dockpulse: stopped')).toBe(true);
		expect(server.output()).not.toContain('ghp_githubsecret');
	});

	it('a CLI logs one JSON line per run on stderr and keeps stdout for its output', async () => {
		const store = await use.newStore(backend.name);
		const run = await runScript('scripts/collect.ts', ['--source', 'ecosystem'], { ...store.env, NODE_ENV: 'production' });
		const runLine = parseJsonLines(run.stderr).find((l) => l.collector === 'ecosystem');
		expect(runLine).toMatchObject({ level: 30, status: 'ok', targetsDone: 0, targetsFailed: 0 });
		expect(run.stdout).toMatch(/^ecosystem: ok, 0 target\(s\) collected/m);
	});
});
