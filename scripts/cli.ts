import { ConfigError } from '../src/lib/server/config.js';

/**
 * Runs a command-line entry point: its result is the exit code; a configuration error exits 2 with
 * the message naming the bad variable, any other error exits 1 with its message (no stack for users).
 */
export function runCommand(main: () => Promise<number>): void {
	main().then(
		(code) => (process.exitCode = code),
		(error: Error) => {
			console.error(error.message);
			process.exitCode = error instanceof ConfigError ? 2 : 1;
		}
	);
}
