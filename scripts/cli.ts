import type { RunReport } from '../jobs/index.js';
import { ConfigError } from '../src/lib/server/config.js';
import { ParameterError } from '../src/lib/server/http/parse.js';
import { configureLogging } from '../src/lib/server/telemetry/log.js';
import { signalExitCode, stopOnSignals } from '../src/lib/server/shutdown.js';

/**
 * Runs a command-line entry point: its result is the exit code; a configuration error exits 2 with
 * the message naming the bad variable, any other error exits 1 with its message (no stack for users).
 */
export function runCommand(main: () => Promise<number>): Promise<void> {
	// A command's stdout is its output (a CSV for `npm run export`): the log goes to stderr.
	const level = process.env.LOG_LEVEL;
	configureLogging({ level: level === 'debug' || level === 'warn' || level === 'error' ? level : 'info', fd: 2 });
	return main().then(
		(code) => void (process.exitCode = code),
		(error: Error) => {
			console.error(error.message);
			process.exitCode = error instanceof ConfigError ? 2 : 1;
		}
	);
}

/** What a command that runs collectors is given: the signal that aborts its run, and where it says which run is going. */
export interface CommandControl {
	signal: AbortSignal;
	/** The run going on now, named in the log if stopping takes too long. */
	running?: string;
}

// The issue's bound for a stop is 5 s; a command has no requests to drain, only its run to close.
const commandStopDeadlineMs = 4_500;

/**
 * runCommand for `npm run collect` and `npm run backfill`, stopping on SIGTERM or SIGINT as the server
 * does (shutdown.ts): the run is aborted (the request in flight cancelled, the targets not reached left
 * as they were), closes its record as interrupted, `main` closes the database, and the process exits
 * with 143 (SIGTERM) or 130 (SIGINT): the command did not do all it was asked. A second signal exits at once.
 */
export function runStoppableCommand(label: string, main: (control: CommandControl) => Promise<number>): void {
	const stopping = new AbortController();
	const control: CommandControl = { signal: stopping.signal };
	const finished = runCommand(() => main(control));
	stopOnSignals({
		label,
		deadlineMs: commandStopDeadlineMs,
		exitCodeAfterStop: signalExitCode,
		listRunning: () => (control.running ? [control.running] : []),
		stop: async () => {
			stopping.abort();
			await finished;
		}
	});
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
	const waiting = report.targetsWaiting ?? [];
	if (waiting.length > 0) console.log(`  ${waiting.length} target(s) wait for the next run (request budget spent): ${waiting.map((key) => `${source}:${key}`).join(', ')}`);
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
