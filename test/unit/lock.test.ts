import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError, formatLockEntry, parseLockEntry } from '../../src/lib/server/db/lock.js';
import { isHolderRunning, parseStartTicks, readOwnIdentity, systemProbe, type ProcessIdentity, type ProcessProbe } from '../../src/lib/server/db/process-identity.js';

const dirs: string[] = [];
const newDir = () => {
	const dir = mkdtempSync(join(tmpdir(), 'dockpulse-lock-'));
	dirs.push(dir);
	return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Leaves a lock in `dir` as a process of that identity would have (one that may have died since). */
function writeLock(dir: string, holder: ProcessIdentity): string {
	const entry = formatLockEntry(holder, 'c0ffee');
	mkdirSync(join(dir, 'dockpulse.lock'), { recursive: true });
	writeFileSync(join(dir, 'dockpulse.lock', entry), '{}\n');
	return entry;
}

const lockEntries = (dir: string) => readdirSync(join(dir, 'dockpulse.lock'));

/** A process that is running for the test's length, with its real identity. */
async function startSleeper() {
	const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
	await new Promise((resolve) => child.once('spawn', resolve));
	const pid = child.pid!;
	const identity: ProcessIdentity = { pid, startTicks: systemProbe.readStartTicks(pid), bootId: readOwnIdentity().bootId };
	return { identity, stop: () => child.kill() };
}

async function getGonePid(): Promise<number> {
	const gone = spawn(process.execPath, ['-e', '']);
	await new Promise((resolve) => gone.once('exit', resolve));
	return gone.pid!;
}

const own = readOwnIdentity();
const hasProc = own.startTicks !== undefined && own.bootId !== undefined;

describe('the identity of a lock holder', () => {
	it('reads the start time after the command name, whatever the name holds', () => {
		const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
		fields[22 - 3] = '987654';
		expect(parseStartTicks(`4242 (node) ${fields.join(' ')}`)).toBe('987654');
		expect(parseStartTicks(`4242 (a b) (c) ) ${fields.join(' ')}`)).toBe('987654');
		expect(parseStartTicks('4242 (node')).toBeUndefined();
		expect(parseStartTicks('4242 (node) S 1 2')).toBeUndefined();
	});

	it('reads this process on Linux (pid, start ticks, boot id)', () => {
		expect(own.pid).toBe(process.pid);
		if (process.platform === 'linux') {
			expect(own.startTicks).toMatch(/^\d+$/);
			expect(own.bootId).toMatch(/^[0-9a-f-]{36}$/);
		}
	});

	const self: ProcessIdentity = { pid: 100, startTicks: '5000', bootId: 'boot-a' };
	const probeOf = (alive: Record<number, string | undefined>): ProcessProbe => ({
		isAlive: (pid) => pid in alive,
		readStartTicks: (pid) => alive[pid]
	});

	it('takes our own pid for us only with the same start time and boot', () => {
		const probe = probeOf({ 100: '5000' });
		expect(isHolderRunning({ pid: 100, startTicks: '5000', bootId: 'boot-a' }, self, probe)).toBe(true);
		// The same pid in a container restarted after a kill -9: another start time, same boot.
		expect(isHolderRunning({ pid: 100, startTicks: '4000', bootId: 'boot-a' }, self, probe)).toBe(false);
		// Before a reboot.
		expect(isHolderRunning({ pid: 100, startTicks: '5000', bootId: 'boot-b' }, self, probe)).toBe(false);
		// Written without /proc (or by an earlier version): an earlier process with our pid.
		expect(isHolderRunning({ pid: 100 }, self, probe)).toBe(false);
	});

	it('takes another live pid for the holder unless its start time or boot shows the pid was reused', () => {
		const probe = probeOf({ 200: '7000', 300: undefined });
		expect(isHolderRunning({ pid: 200, startTicks: '7000', bootId: 'boot-a' }, self, probe)).toBe(true);
		expect(isHolderRunning({ pid: 200, startTicks: '6999', bootId: 'boot-a' }, self, probe)).toBe(false);
		expect(isHolderRunning({ pid: 200, startTicks: '7000', bootId: 'boot-b' }, self, probe)).toBe(false);
		expect(isHolderRunning({ pid: 201, startTicks: '7000', bootId: 'boot-a' }, self, probe)).toBe(false);
		// Alive, start time unreadable (another user's process behind hidepid): refusing is the safe mistake.
		expect(isHolderRunning({ pid: 300, startTicks: '1', bootId: 'boot-a' }, self, probe)).toBe(true);
	});

	it('falls back to the pid alone where /proc is missing', () => {
		const noProc: ProcessIdentity = { pid: 100 };
		const probe: ProcessProbe = { isAlive: (pid) => pid === 200, readStartTicks: () => undefined };
		expect(isHolderRunning({ pid: 200 }, noProc, probe)).toBe(true);
		expect(isHolderRunning({ pid: 201 }, noProc, probe)).toBe(false);
		expect(isHolderRunning({ pid: 100 }, noProc, probe)).toBe(false);
	});

	it('names a holder in the entry, and reads it back', () => {
		const entry = formatLockEntry({ pid: 42, startTicks: '123', bootId: '0f4c-9a' }, 'ab12');
		expect(entry).toBe('holder_42_123_0f4c-9a_ab12');
		expect(parseLockEntry(entry)).toEqual({ pid: 42, startTicks: '123', bootId: '0f4c-9a' });
		expect(parseLockEntry(formatLockEntry({ pid: 42 }, 'ab12'))).toEqual({ pid: 42, startTicks: undefined, bootId: undefined });
		expect(parseLockEntry('notes.txt')).toBeUndefined();
	});
});

describe('the embedded store lock', () => {
	it('refuses a second opener while another live process holds it, naming that process', async () => {
		const dir = newDir();
		const holder = await startSleeper();
		try {
			writeLock(dir, holder.identity);
			expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
			expect(() => acquireDataDirLock(dir)).toThrow(`in use by process ${holder.identity.pid}`);
			expect(lockEntries(dir)).toEqual([formatLockEntry(holder.identity, 'c0ffee')]);
		} finally {
			holder.stop();
		}
	});

	it('refuses a second opener in the same process, and opens again once released', () => {
		const dir = newDir();
		const release = acquireDataDirLock(dir);
		expect(() => acquireDataDirLock(dir)).toThrow(`in use by process ${process.pid}`);
		release();
		expect(existsSync(join(dir, 'dockpulse.lock'))).toBe(false);
		acquireDataDirLock(dir)();
	});

	it('takes over a lock left by a process that is gone', async () => {
		const dir = newDir();
		writeLock(dir, { pid: await getGonePid(), startTicks: '1', bootId: own.bootId });
		const release = acquireDataDirLock(dir);
		expect(lockEntries(dir).map((e) => parseLockEntry(e)?.pid)).toEqual([process.pid]);
		release();
	});

	it.runIf(hasProc)('takes over a lock with our own pid from an earlier boot or an earlier start (a restarted container)', () => {
		for (const earlier of [{ ...own, bootId: '00000000-0000-4000-8000-000000000000' }, { ...own, startTicks: String(Number(own.startTicks) - 1) }]) {
			const dir = newDir();
			writeLock(dir, earlier);
			const release = acquireDataDirLock(dir);
			expect(lockEntries(dir)).toEqual([expect.stringMatching(new RegExp(`^holder_${process.pid}_${own.startTicks}_${own.bootId}_`))]);
			release();
		}
	});

	it.runIf(hasProc)('takes over a lock whose pid now belongs to another process (a recycled pid)', async () => {
		const dir = newDir();
		const other = await startSleeper();
		try {
			writeLock(dir, { ...other.identity, startTicks: String(Number(other.identity.startTicks) + 1) });
			acquireDataDirLock(dir)();
		} finally {
			other.stop();
		}
	});

	it('takes over an empty lock folder (a crash while taking over) and sweeps staging folders of dead processes', async () => {
		const dir = newDir();
		mkdirSync(join(dir, 'dockpulse.lock'));
		const staging = join(dir, 'dockpulse.lock.dead01.tmp');
		mkdirSync(staging);
		writeFileSync(join(staging, formatLockEntry({ pid: await getGonePid(), startTicks: '1', bootId: own.bootId }, 'dead01')), '{}\n');
		const release = acquireDataDirLock(dir);
		expect(readdirSync(dir)).toEqual(['dockpulse.lock']);
		release();
	});

	it('reads the lock file of earlier versions by its pid: kept while that process runs, replaced once it is gone', async () => {
		const dir = newDir();
		const holder = await startSleeper();
		try {
			writeFileSync(join(dir, 'dockpulse.lock'), `${holder.identity.pid}\n`);
			expect(() => acquireDataDirLock(dir)).toThrow(`in use by process ${holder.identity.pid}`);
		} finally {
			holder.stop();
		}
		writeFileSync(join(dir, 'dockpulse.lock'), `${await getGonePid()}\n`);
		const release = acquireDataDirLock(dir);
		expect(lockEntries(dir).map((e) => parseLockEntry(e)?.pid)).toEqual([process.pid]);
		release();
	});
});
