/**
 * A process that races for the embedded store's lock (test/integration/store-lock.test.ts):
 * `tsx test/helpers/lock-contender.ts <dataDir> <goFile>` prints `ready`, spins until goFile exists
 * (so that several contenders ask at the same moment, however long each took to start), then prints
 * `won` or `refused` (or `error: ...`). A winner holds the lock until its stdin closes, so that a
 * later contender finds it alive.
 */
import { existsSync } from 'node:fs';
import { acquireDataDirLock, DataDirInUseError } from '../../src/lib/server/db/lock.js';

const [dataDir, goFile] = process.argv.slice(2) as [string, string];
console.log('ready');
while (!existsSync(goFile)) {
	// Spinning, not sleeping: a timer would add its own jitter to the start.
}
try {
	const release = acquireDataDirLock(dataDir);
	console.log('won');
	process.stdin.resume();
	process.stdin.on('end', () => {
		release();
		process.exit(0);
	});
} catch (error) {
	console.log(error instanceof DataDirInUseError ? 'refused' : `error: ${(error as Error).message}`);
}
