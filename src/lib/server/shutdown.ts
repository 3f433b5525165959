import { log } from './telemetry/log.js';

/**
 * How a process (the server, the worker, `npm run collect` and `npm run backfill`) stops on SIGTERM or
 * SIGINT: within the 10 s that `docker stop` and most supervisors give before SIGKILL, with its work
 * closed properly.
 * - The first signal runs `stop` (stop taking jobs, abort the running ones, let them close their run
 *   records, then close the database) and exits when it has finished: with 0 (a service asked to stop
 *   has done its job) or what exitCodeAfterStop says, 1 if it failed.
 * - A second signal exits at once (130 after SIGINT, 143 after SIGTERM): the operator insists.
 * - A deadline (8 s) exits with 1 anyway, naming what was still running: something ignored the abort.
 */

export const shutdownDeadlineMs = 8_000;

export interface ShutdownOptions {
	/** The prefix of every line logged: `Dockpulse`, `worker`. */
	label: string;
	stop(signal: NodeJS.Signals): Promise<void>;
	/** What is still running, named in the log when the deadline passes. */
	listRunning(): string[];
	deadlineMs?: number;
	/** The exit code once stopped; 0 when not given. A command cut short says so with signalExitCode. */
	exitCodeAfterStop?: (signal: NodeJS.Signals) => number;
}

const exitCodes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The shell's code for a process ended by `signal` (128 + its number): 130 after SIGINT, 143 after SIGTERM. */
export const signalExitCode = (signal: NodeJS.Signals): number => exitCodes[signal] ?? 1;

/** Installs the SIGTERM and SIGINT handlers described above. */
export function stopOnSignals(options: ShutdownOptions): void {
	const { label, deadlineMs = shutdownDeadlineMs } = options;
	let isStopping = false;
	const onSignal = (signal: NodeJS.Signals) => {
		if (isStopping) {
			log.warn({ process: label, signal }, `${label}: second ${signal}, exiting at once`);
			process.exit(signalExitCode(signal));
		}
		isStopping = true;
		log.info({ process: label, signal }, `${label}: ${signal}, stopping`);
		// unref: the deadline alone never keeps the process alive.
		setTimeout(() => {
			const running = options.listRunning();
			log.error({ process: label, running }, `${label}: not stopped after ${deadlineMs / 1000} s (still running: ${running.join(', ') || 'nothing known'}); exiting anyway`);
			process.exit(1);
		}, deadlineMs).unref();
		options.stop(signal).then(
			() => {
				log.info({ process: label }, `${label}: stopped`);
				process.exit(options.exitCodeAfterStop?.(signal) ?? 0);
			},
			(error: Error) => {
				log.error({ process: label, err: error }, `${label}: stopping failed: ${error.message}`);
				process.exit(1);
			}
		);
	};
	process.on('SIGTERM', onSignal);
	process.on('SIGINT', onSignal);
}

/** Resolves when `promise` does or after `ms`, whichever comes first; true if the promise did. */
export function waitAtMost(promise: Promise<unknown>, ms: number): Promise<boolean> {
	return new Promise((resolve) => {
		const timer = setTimeout(() => resolve(false), ms);
		promise.then(
			() => {
				clearTimeout(timer);
				resolve(true);
			},
			() => {
				clearTimeout(timer);
				resolve(true);
			}
		);
	});
}
