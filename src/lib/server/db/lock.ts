import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isHolderRunning, readOwnIdentity, systemProbe, type ProcessIdentity } from './process-identity.js';

/**
 * PGlite gives no error when a second process opens the same data folder, and then silently loses rows
 * (see STACK-NOTES.md). This lock turns that into a clear refusal, and a lock left by a process that no
 * longer runs (kill -9, OOM kill, power cut) is taken over at once: see process-identity.ts for how a
 * holder is told apart from a process that merely has its pid.
 *
 * The lock is a folder, `dockpulse.lock`, holding one entry named after its holder
 * (`holder_<pid>_<start ticks>_<boot id>_<nonce>`). Every step that changes it is atomic and
 * conditional, so that when several processes race for a stale lock exactly one wins:
 * - taking: a staging folder with our entry is renamed to `dockpulse.lock`. rename(2) replaces a
 *   missing or *empty* folder and fails on one that holds an entry, so it succeeds for one process only;
 * - clearing a stale holder: unlink of that holder's entry *by its exact name*. Of several processes
 *   that judged the same entry stale, one removes it and the others get ENOENT; none of them can remove
 *   a new holder's entry, whose name (nonce included) they have never seen. Then each tries the rename
 *   again, and the first one in wins; the others find its entry, alive, and refuse.
 * A crash between any two steps leaves an empty lock folder (replaced by the next rename) or a staging
 * folder (swept by the next holder). A plain lock file ("<pid>\n", written by earlier versions) is read
 * with the pid rule, and removed only as a file (unlink fails on the folder a racer has put there).
 * Where a folder cannot be renamed over an empty one (Windows), the empty folder is removed first.
 */

const lockName = 'dockpulse.lock';
const entryPattern = /^holder_(\d+)_(\d+|x)_([0-9a-f-]+|x)_[0-9a-f]+$/;
// Entries this process holds: a second open in the same process is refused even without /proc. On
// globalThis because `vite dev` may load this module twice in one process.
const heldHere: Set<string> = ((globalThis as { dockpulseHeldLocks?: Set<string> }).dockpulseHeldLocks ??= new Set());

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

export function formatLockEntry(holder: ProcessIdentity, nonce: string): string {
	return `holder_${holder.pid}_${holder.startTicks ?? 'x'}_${holder.bootId ?? 'x'}_${nonce}`;
}

export function parseLockEntry(name: string): ProcessIdentity | undefined {
	const match = entryPattern.exec(name);
	if (!match) return undefined;
	const [, pid, startTicks, bootId] = match as unknown as [string, string, string, string];
	return { pid: Number(pid), startTicks: startTicks === 'x' ? undefined : startTicks, bootId: bootId === 'x' ? undefined : bootId };
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** Runs a step that a racer may have made moot (the file is gone, the folder is no longer empty). */
function tolerate(step: () => void, codes: readonly string[]): void {
	try {
		step();
	} catch (error) {
		if (!codes.includes(errorCode(error) ?? '')) throw error;
	}
}

function isEntryRunning(name: string): boolean {
	if (heldHere.has(name)) return true;
	const holder = parseLockEntry(name);
	// Not an entry we write: nobody holds the lock through it.
	return holder !== undefined && isHolderRunning(holder, readOwnIdentity());
}

/** A lock file from an earlier version: its pid, if that process still runs and is not us. */
function clearLegacyLockFile(dataDir: string, lockPath: string): void {
	const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
	if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && systemProbe.isAlive(pid)) throw new DataDirInUseError(dataDir, pid);
	tolerate(() => unlinkSync(lockPath), ['ENOENT', 'EISDIR', 'EPERM']);
}

/** Removes what keeps the rename from succeeding, unless a running process holds the lock. */
function clearStaleLock(dataDir: string, lockPath: string): void {
	let entries: string[];
	try {
		if (!lstatSync(lockPath).isDirectory()) return clearLegacyLockFile(dataDir, lockPath);
		entries = readdirSync(lockPath);
	} catch (error) {
		if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return;
		throw error;
	}
	if (entries.length === 0) return tolerate(() => rmdirSync(lockPath), ['ENOENT', 'ENOTEMPTY', 'EEXIST']);
	const running = entries.find(isEntryRunning);
	if (running !== undefined) throw new DataDirInUseError(dataDir, parseLockEntry(running)?.pid ?? 0);
	for (const entry of entries) tolerate(() => unlinkSync(join(lockPath, entry)), ['ENOENT']);
}

/** Staging folders left by processes that died while taking the lock. */
function sweepStagingFolders(dataDir: string, own: string): void {
	for (const name of readdirSync(dataDir)) {
		if (!name.startsWith(`${lockName}.`) || !name.endsWith('.tmp') || name === own) continue;
		const folder = join(dataDir, name);
		tolerate(() => {
			// An empty one may be a live process's, between its mkdir and its write: left alone.
			const entries = readdirSync(folder);
			if (entries.length > 0 && !entries.some(isEntryRunning)) rmSync(folder, { recursive: true, force: true });
		}, ['ENOENT', 'ENOTDIR']);
	}
}

/** Takes the folder's lock or throws DataDirInUseError; returns the function that releases it. */
export function acquireDataDirLock(dataDir: string): () => void {
	mkdirSync(dataDir, { recursive: true });
	const lockPath = join(dataDir, lockName);
	const nonce = randomBytes(6).toString('hex');
	const entry = formatLockEntry(readOwnIdentity(), nonce);
	const staging = join(dataDir, `${lockName}.${nonce}.tmp`);
	mkdirSync(staging);
	writeFileSync(join(staging, entry), `${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`);
	try {
		for (let attempt = 0; attempt < 10; attempt++) {
			try {
				renameSync(staging, lockPath);
			} catch (error) {
				if (!['EEXIST', 'ENOTEMPTY', 'ENOTDIR', 'EISDIR', 'EPERM'].includes(errorCode(error) ?? '')) throw error;
				clearStaleLock(dataDir, lockPath);
				continue;
			}
			heldHere.add(entry);
			sweepStagingFolders(dataDir, `${lockName}.${nonce}.tmp`);
			return () => releaseLock(lockPath, entry);
		}
	} finally {
		rmSync(staging, { recursive: true, force: true });
	}
	throw new Error(`Could not take the lock ${lockPath}: it keeps changing; is another process starting?`);
}

function releaseLock(lockPath: string, entry: string): void {
	heldHere.delete(entry);
	tolerate(() => unlinkSync(join(lockPath, entry)), ['ENOENT']);
	// Only if empty: another process may already have taken the lock.
	tolerate(() => rmdirSync(lockPath), ['ENOENT', 'ENOTEMPTY', 'EEXIST']);
}
