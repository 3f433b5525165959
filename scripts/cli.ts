import type { RunReport } from '../jobs/index.js';
import { ConfigError } from '../src/lib/server/config.js';
import { ParameterError } from '../src/lib/server/http/parse.js';
import { configureLogging } from '../src/lib/server/telemetry/log.js';

/**
 * Runs a command-line entry point: its result is the exit code; a configuration error exits 2 with
 * the message naming the bad variable, any other error exits 1 with its message (no stack for users).
 */
export function runCommand(main: () => Promise<number>): void {
	// A command's stdout is its output (a CSV for `npm run export`): the log goes to stderr.
	const level = process.env.LOG_LEVEL;
	configureLogging({ level: level === 'debug' || level === 'warn' || level === 'error' ? level : 'info', fd: 2 });
	main().then(
		(code) => (process.exitCode = code),
		(error: Error) => {
			console.error(error.message);
			process.exitCode = error instanceof ConfigError ? 2 : 1;
		}
	);
}

/** One line per target as a run goes: `ok     github:moby/moby` or `failed ... (kind)`. */
export function printTargetProgress(source: string) {
	return (key: string, error?: { kind: string }) =>
		console.log(`  ${error ? 'failed' : 'ok    '} ${source}:${key}${error ? ` (${error.kind})` : ''}`);
}

/** A run's summary line, then each failure with its kind and message. */
export function printRunSummary(name: string, source: string, report: RunReport, verb: string): void {
	console.log(
		`${name}: ${report.status}, ${report.targetsDone} target(s) ${verb}, ${report.targetsFailed} failed, ` +
			`${report.requestsMade} request(s)${report.rateBudgetLeft === undefined ? '' : `, rate budget left ${report.rateBudgetLeft}`}`
	);
	for (const f of report.failures) console.log(`  failed ${source}:${f.target} (${f.kind}): ${f.message}`);
}

/**
 * Query parameters from command-line arguments, so that a command takes what the HTTP API takes:
 * `name=value`, `--name=value` or `--name value`; a name may repeat (series=... series=...).
 */
export function parseNameValueArgs(args: readonly string[]): URLSearchParams {
	const params = new URLSearchParams();
	for (let i = 0; i < args.length; i++) {
		const isFlag = args[i]!.startsWith('--');
		const arg = isFlag ? args[i]!.slice(2) : args[i]!;
		const eq = arg.indexOf('=');
		if (eq > 0) params.append(arg.slice(0, eq), arg.slice(eq + 1));
		else if (isFlag && i + 1 < args.length) params.append(arg, args[++i]!);
		else throw new ParameterError(arg, 'expected name=value, --name=value or --name value');
	}
	return params;
}
