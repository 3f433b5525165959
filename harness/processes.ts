import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Child processes for tests and benchmarks (harness/ is shared by test/ and bench/, so that neither
 * imports the other): a free port, a Node process with its output collected, the wait for a server.
 */

export async function getFreePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export interface SpawnedProcess {
	child: ChildProcess;
	/** stdout and stderr together, in the order they came. */
	output(): string;
	stdout(): string;
	stderr(): string;
	/** The exit code, once the process has ended and its output has been read to the end. */
	closed: Promise<number | null>;
}

export interface SpawnOptions {
	/** Working folder (default: this one, the project's root). */
	cwd?: string;
	/** The environment `env` is added to (default: this process's). */
	baseEnv?: NodeJS.ProcessEnv;
}

// Children still running when this process exits (a test file that timed out, a bench stopped with
// Ctrl-C) are killed with it: an orphaned server or worker would go on loading the machine.
const running = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

/** Starts a Node process with extra environment, collecting stdout and stderr together. */
export function spawnNode(args: string[], env: Record<string, string>, options: SpawnOptions = {}): SpawnedProcess {
	const child = spawn(process.execPath, args, {
		cwd: options.cwd,
		// Start from an empty target list unless the default watchlist is asked for, and do not catch up
		// on missed runs at start (which would collect at once) unless asked: tests and benchmarks
		// decide what is collected.
		env: { ...(options.baseEnv ?? process.env), DATABASE_URL: '', DEFAULT_WATCHLIST: 'false', CATCH_UP_ON_START: 'false', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	running.add(child);
	child.once('exit', () => running.delete(child));
	let output = '';
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (d) => {
		output += d;
		stdout += d;
	});
	child.stderr!.on('data', (d) => {
		output += d;
		stderr += d;
	});
	// 'close', not 'exit': 'exit' can come before the last output has been read.
	const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
	return { child, output: () => output, stdout: () => stdout, stderr: () => stderr, closed };
}

/** Waits until a spawned server answers GET /healthz; throws with its output if it exits or never does. */
export async function waitForHealthy(url: string, server: SpawnedProcess, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (server.child.exitCode !== null) throw new Error(`server exited with ${server.child.exitCode}:\n${server.output()}`);
		const isHealthy = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
		if (isHealthy) return;
		if (Date.now() > deadline) {
			server.child.kill('SIGKILL');
			throw new Error(`server did not become healthy within ${timeoutMs} ms (killed):\n${server.output()}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
}
