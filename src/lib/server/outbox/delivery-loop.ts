import type { Db } from '../db/client.js';
import { log } from '../telemetry/log.js';
import { deliverAllDue, type DeliveryDeps } from './deliver.js';

/**
 * The delivery loop of a long-running process (the server, the worker): sends the outbox's due
 * notifications off the collection path. An evaluation that queued something kicks it; its own timer
 * brings retries when they fall due. Nothing awaits it, so a receiver that answers slowly (each attempt
 * is cut at its deadline anyway) delays no collection run. One pass at a time: a kick during a pass
 * makes one more pass after it. Several processes on one PostgreSQL each run a loop; the outbox's
 * claims keep them from sending the same notification twice.
 */

export interface DeliveryLoop {
	/** Something was queued: a pass starts now, or right after the one running. */
	kick(): void;
	/** 'alert deliveries' while a pass runs, for the log of a slow shutdown. */
	listRunning(): string[];
	/**
	 * Starts no pass, aborts the attempts in flight (their deliveries are given back, due at once for
	 * the next process) and resolves when the pass has recorded them: then the database may close.
	 */
	stop(): Promise<void>;
}

export interface DeliveryLoopOptions {
	/** How often the loop looks for retries that fell due; retries are at least 24 s apart. */
	pollMs?: number;
}

const defaultPollMs = 10_000;

export function startDeliveryLoop(db: Db, deps: DeliveryDeps, options: DeliveryLoopOptions = {}): DeliveryLoop {
	const stopping = new AbortController();
	let running: Promise<void> | undefined;
	let isKickedAgain = false;

	const runPasses = async () => {
		do {
			isKickedAgain = false;
			try {
				await deliverAllDue(db, deps, { signal: stopping.signal });
			} catch (error) {
				// The next kick or tick tries again; a claimed delivery runs out of its claim meanwhile.
				log.error({ err: error }, 'alert deliveries failed');
			}
		} while (isKickedAgain && !stopping.signal.aborted);
	};
	const kick = () => {
		if (stopping.signal.aborted) return;
		if (running) {
			isKickedAgain = true;
			return;
		}
		running = runPasses().finally(() => (running = undefined));
	};
	// unref: the loop alone never keeps a process alive.
	const timer = setInterval(kick, options.pollMs ?? defaultPollMs).unref();
	// What fell due while no process was running, and deliveries a stopping process gave back.
	kick();
	return {
		kick,
		listRunning: () => (running ? ['alert deliveries'] : []),
		async stop() {
			clearInterval(timer);
			stopping.abort();
			await running;
		}
	};
}
