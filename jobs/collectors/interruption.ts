import { setTimeout as delay } from 'node:timers/promises';
import { CollectorError } from './errors.js';

/**
 * How a stopping process reaches the HTTP layer of every collector: the run's AbortSignal (CollectOptions.signal)
 * cancels the request in flight, and every later request and wait fails at once, so that a run ends
 * within moments of SIGTERM instead of after its remaining targets. The failures it causes are
 * recorded as interrupted, not failed (recordFailure in run.ts).
 */

/** What every collector's client takes besides its configuration: the injected sleep and the run's signal. */
export interface RequestControls {
	/** Waits out a rate limit; injectable so that tests never really wait. */
	sleep?: (ms: number) => Promise<void>;
	signal?: AbortSignal;
}

export function toInterruptedError(what: string): CollectorError {
	return new CollectorError('network', `${what}: interrupted, the process is stopping`);
}

/** `promise`, or a rejection as soon as `signal` is aborted (the promise itself runs on, unobserved). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (!signal) return promise;
	if (signal.aborted) {
		promise.catch(() => {});
		return Promise.reject(signal.reason);
	}
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
	});
}

/** A wait (a rate limit's) that ends early, rejecting, when the run is aborted. */
export function sleepUnlessAborted(controls: RequestControls, ms: number): Promise<void> {
	if (controls.sleep) return raceAbort(controls.sleep(ms), controls.signal);
	return delay(ms, undefined, { signal: controls.signal });
}

/** The timeout of one request, joined with the run's signal. */
export function withRunSignal(timeout: AbortSignal, controls: RequestControls): AbortSignal {
	return controls.signal ? AbortSignal.any([timeout, controls.signal]) : timeout;
}
