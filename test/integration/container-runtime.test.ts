import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort, spawnNode, waitForHealthy, type SpawnedProcess } from '../../harness/processes.js';
import { copyRuntimeFiles, readComposeCommand, readRuntimeStage, type RuntimeStage } from '../helpers/dockerfile.js';
import { testBackends } from '../helpers/databases.js';
import { signalAndWait, waitForOutput } from '../helpers/process-control.js';
import { createStoreEnv } from '../helpers/server.js';

/**
 * The container image without Docker (the CI machine has none): the files the Dockerfile's runtime
 * stage copies, in a clean folder, the same production install (`npm ci --omit=dev`), then the image's
 * command and compose's worker command with the image's environment. A module the built server or the
 * worker needs at run time that is only a dev dependency, or a file the image does not copy, fails here.
 */

const repository = process.cwd();
const stage: RuntimeStage = readRuntimeStage(readFileSync('Dockerfile', 'utf8'));
const workerCommand = readComposeCommand(readFileSync('compose.yaml', 'utf8'), 'worker');
const adminToken = 'container-test-token-0123456789';
let imageRoot = '';

beforeAll(() => {
	imageRoot = mkdtempSync(join(tmpdir(), 'dockpulse-image-'));
	copyRuntimeFiles(stage, repository, imageRoot);
	// --prefer-offline: the packages are those of the lockfile the project's own install fetched.
	const install = spawnSync('npm', [...stage.installArgs, '--prefer-offline'], { cwd: imageRoot, encoding: 'utf8' });
	if (install.status !== 0) throw new Error(`npm ${stage.installArgs.join(' ')} failed:\n${install.stdout}${install.stderr}`);
}, 300_000);

afterAll(() => {
	if (imageRoot) rmSync(imageRoot, { recursive: true, force: true });
});

/** Only the image's environment (and PATH, for npm): none of the test runner's. */
function startInImage(command: string[], env: Record<string, string>): SpawnedProcess {
	const [program, ...args] = command;
	if (program !== 'node') throw new Error(`expected a node command, got ${program}`);
	return spawnNode(args, { ...stage.env, ADMIN_TOKEN: adminToken, ...env }, { cwd: imageRoot, baseEnv: { PATH: process.env.PATH } });
}

async function stop(process: SpawnedProcess) {
	if (process.child.exitCode === null && process.child.signalCode === null) await signalAndWait(process, 'SIGTERM');
}

describe('the container image, repeated without Docker', () => {
	it('installs production dependencies only', () => {
		expect(existsSync(join(imageRoot, 'node_modules', '@electric-sql', 'pglite'))).toBe(true);
		expect(existsSync(join(imageRoot, 'node_modules', 'vite'))).toBe(false);
		expect(existsSync(join(imageRoot, 'src', 'routes'))).toBe(false);
	});

	it('serves /healthz on the embedded database, listening on 0.0.0.0 with ADMIN_TOKEN as the image does', async () => {
		expect(stage.env.HOST).toBe('0.0.0.0');
		const port = await getFreePort();
		const server = startInImage(stage.command, { PORT: String(port), DATA_DIR: join(imageRoot, 'data') });
		try {
			await waitForHealthy(`http://127.0.0.1:${port}`, server, 90_000);
			const health = await fetch(`http://127.0.0.1:${port}/healthz`);
			expect(health.status).toBe(200);
		} finally {
			await stop(server);
		}
	}, 120_000);

	it('refuses to start on 0.0.0.0 without ADMIN_TOKEN', async () => {
		const server = startInImage(stage.command, { ADMIN_TOKEN: '', PORT: String(await getFreePort()), DATA_DIR: join(imageRoot, 'data-refused') });
		expect(await server.closed).not.toBe(0);
		expect(server.output()).toMatch(/ADMIN_TOKEN/);
	});

	// compose.yaml's topology needs a server database (PGlite allows one process): run where there is one.
	for (const backend of testBackends.filter((b) => b.name === 'postgres')) {
		it(`runs the web server and the worker of compose.yaml on one database (${backend.name})`, async () => {
			const store = await createStoreEnv(backend.name);
			const port = await getFreePort();
			const server = startInImage(stage.command, { ...store.env, PORT: String(port), RUN_SCHEDULES: 'false' });
			const worker = startInImage(workerCommand, { ...store.env });
			try {
				await waitForHealthy(`http://127.0.0.1:${port}`, server, 90_000);
				await waitForOutput(worker, 'scheduled job(s)', 90_000);
				const health = await fetch(`http://127.0.0.1:${port}/healthz`);
				expect(health.status).toBe(200);
				expect(worker.child.exitCode).toBe(null);
			} finally {
				await Promise.all([stop(server), stop(worker)]);
				await store.cleanup();
			}
		}, 180_000);
	}
});
