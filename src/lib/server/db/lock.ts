import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * PGlite gives no error when a second process opens the same data folder, and then silently loses rows
 * (see STACK-NOTES.md). A lock file holding the owner's pid, created with the exclusive flag, turns that
 * into a clear refusal. A lock left by a process that no longer runs is stale and is taken over.
 */

export class DataDirInUseError extends Error {
	constructor(dataDir: string, pid: number) {
		super(
			`The embedded database in ${resolve(dataDir)} is in use by process ${pid}. ` +
				'PGlite can be opened by one process at a time: stop that process (the Dockpulse server or worker) ' +
				'and try again, use its HTTP API instead (for example POST /api/import), ' +
				'or set DATABASE_URL to a PostgreSQL server so that several processes can share the data.'
		);
		this.name = 'DataDirInUseError';
	}
}

function isProcessAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function readLockPid(lockPath: string): number | undefined {
	try {
		const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
		return Number.isInteger(pid) && pid > 0 ? pid : undefined;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/** Takes the folder's lock or throws DataDirInUseError; returns the function that releases it. */
export function acquireDataDirLock(dataDir: string): () => void {
	mkdirSync(dataDir, { recursive: true });
	const lockPath = join(dataDir, 'dockpulse.lock');
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const fd = openSync(lockPath, 'wx');
			writeSync(fd, `${process.pid}\n`);
			closeSync(fd);
			return () => rmSync(lockPath, { force: true });
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const holder = readLockPid(lockPath);
		// Our own pid counts as a live holder: two PGlite instances in one process corrupt data too.
		if (holder !== undefined && isProcessAlive(holder)) throw new DataDirInUseError(dataDir, holder);
		rmSync(lockPath, { force: true });
	}
	throw new Error(`Could not take the lock ${lockPath}: it keeps reappearing; is another process starting?`);
}
