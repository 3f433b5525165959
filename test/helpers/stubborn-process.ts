/**
 * A process whose work ignores the stop (test/integration/shutdown.test.ts): its stop never ends, so
 * only a second signal or the deadline ends it. `tsx test/helpers/stubborn-process.ts <deadlineMs>`.
 */
import { stopOnSignals } from '../../src/lib/server/shutdown.js';

setInterval(() => {}, 1 << 30);
stopOnSignals({
	label: 'stubborn',
	stop: () => new Promise(() => {}),
	listRunning: () => ['a job that ignores the abort'],
	deadlineMs: Number(process.argv[2])
});
console.log('stubborn: ready');
