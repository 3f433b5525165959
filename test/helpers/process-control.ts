import { spawn } from 'node:child_process';
import { spawnNode, type SpawnedProcess } from '../../harness/processes.js';

/**
 * Helpers for the tests that stop and kill real processes (shutdown, crash recovery, the store lock).
 */

/** Resolves when the process has printed `text` (at once if it already has); rejects if it exits first. */
export function waitForOutput(process: SpawnedProcess, text: string, timeoutMs = 60_000): Promise<void> {
	return new Promise((resolve, reject) => {
		const check = () => {
			if (!process.output().includes(text)) return;
			cleanup();
			resolve();
		};
		const onClose = (code: number | null) => {
			cleanup();
			reject(new Error(`exited with ${code} before printing "${text}":\n${process.output()}`));
		};
		const timer = setTimeout(() => {
			cleanup();
			reject(new Error(`did not print "${text}" within ${timeoutMs} ms:\n${process.output()}`));
		}, timeoutMs);
		const cleanup = () => {
			clearTimeout(timer);
			process.child.stdout!.off('data', check);
			process.child.stderr!.off('data', check);
			process.child.off('close', onClose);
		};
		process.child.stdout!.on('data', check);
		process.child.stderr!.on('data', check);
		process.child.once('close', onClose);
		check();
		// Ended before we started waiting: its 'close' has been and gone.
		if (process.child.exitCode !== null || process.child.signalCode !== null) void process.closed.then(onClose);
	});
}

/** Sends a signal and returns the exit code and how long the process took to end. */
export async function signalAndWait(process: SpawnedProcess, signal: NodeJS.Signals): Promise<{ code: number | null; elapsedMs: number }> {
	const sentAt = performance.now();
	process.child.kill(signal);
	const code = await process.closed;
	return { code, elapsedMs: performance.now() - sentAt };
}

/** Waits, polling, until `condition` holds; throws with `what` after timeoutMs. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** A TypeScript entry point run through tsx, as `npm run` does. */
export function spawnTsx(script: string, args: string[], env: Record<string, string>): SpawnedProcess {
	return spawnNode(['--import', 'tsx', script, ...args], env);
}

/** A tsx process with its stdin open (lock-contender.ts holds the lock until stdin closes). */
export function spawnTsxWithStdin(script: string, args: string[]) {
	const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
	let output = '';
	child.stdout.on('data', (d) => (output += d));
	child.stderr.on('data', (d) => (output += d));
	const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
	return { child, output: () => output, closed };
}
