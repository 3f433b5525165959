import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds the embedded store's lock, told apart from a process that merely has the same pid.
 *
 * A pid alone is not an identity: in a container the server is pid 1 (or 7, ...) on every start, so
 * after a kill -9 or an OOM kill the new process finds its own pid in the lock; and after a reboot or
 * a long uptime a pid is reused by an unrelated process. On Linux a process is named for good by its
 * pid, its start time (field 22 of /proc/<pid>/stat, clock ticks since boot) and the boot it belongs
 * to (/proc/sys/kernel/random/boot_id): a recycled pid has another start time, a pid from before a
 * reboot another boot id. Where /proc is missing (macOS) only the pid is known, and a live pid counts
 * as the holder, as before.
 */

export interface ProcessIdentity {
	pid: number;
	/** Clock ticks from boot to the process's start, as /proc writes it; undefined without /proc. */
	startTicks?: string;
	/** The kernel's boot id; undefined without /proc. */
	bootId?: string;
}

/** What judging a holder needs to ask the system; injectable so that the rules are tested alone. */
export interface ProcessProbe {
	isAlive(pid: number): boolean;
	readStartTicks(pid: number): string | undefined;
}

function readText(path: string): string | undefined {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return undefined;
	}
}

/**
 * Field 22 (starttime) of a /proc/<pid>/stat line. Field 2 is the command name in parentheses, which
 * may itself hold spaces and parentheses, so fields are counted from the last ')': field 3 comes next.
 */
export function parseStartTicks(stat: string): string | undefined {
	const close = stat.lastIndexOf(')');
	if (close < 0) return undefined;
	const ticks = stat.slice(close + 1).trim().split(/\s+/)[22 - 3];
	return ticks !== undefined && /^\d+$/.test(ticks) ? ticks : undefined;
}

export function readBootId(): string | undefined {
	const id = readText('/proc/sys/kernel/random/boot_id')?.trim();
	return id && /^[0-9a-f-]+$/i.test(id) ? id.toLowerCase() : undefined;
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

export const systemProbe: ProcessProbe = {
	isAlive: isProcessAlive,
	readStartTicks: (pid) => {
		const stat = readText(`/proc/${pid}/stat`);
		return stat === undefined ? undefined : parseStartTicks(stat);
	}
};

/** This process's identity (read once: it never changes). */
let self: ProcessIdentity | undefined;
export function readOwnIdentity(): ProcessIdentity {
	self ??= { pid: process.pid, startTicks: systemProbe.readStartTicks(process.pid), bootId: readBootId() };
	return self;
}

/**
 * Whether the process that wrote `holder` still runs. Our own pid is us only with the same start time
 * and boot (a lock this very process holds is recognised before, by its entry); anything less is an
 * earlier process that had our pid. Another pid is the holder if it is alive, unless its boot or its
 * start time shows that the pid has been reused. When the start time cannot be read (another user's
 * process behind hidepid, say), a live pid is taken as the holder: refusing is the safe mistake.
 */
export function isHolderRunning(holder: ProcessIdentity, own: ProcessIdentity, probe: ProcessProbe = systemProbe): boolean {
	if (holder.pid === own.pid) {
		return holder.startTicks !== undefined && holder.startTicks === own.startTicks && holder.bootId !== undefined && holder.bootId === own.bootId;
	}
	if (!probe.isAlive(holder.pid)) return false;
	if (holder.bootId !== undefined && own.bootId !== undefined && holder.bootId !== own.bootId) return false;
	if (holder.startTicks === undefined) return true;
	const startTicks = probe.readStartTicks(holder.pid);
	return startTicks === undefined || startTicks === holder.startTicks;
}

/**
 * A process named across hosts, for the records it leaves in a shared database (a run, a scheduler
 * lease): its identity above, the host it runs on, and an instance id drawn at start (which tells this
 * process its own records even where /proc is missing).
 */
export interface ProcessOwner extends ProcessIdentity {
	host: string;
	instance: string;
}

// On globalThis because `vite dev` may load this module twice in one process.
const ownerState = globalThis as { dockpulseInstance?: string };

export function readOwnOwner(): ProcessOwner {
	ownerState.dockpulseInstance ??= randomBytes(6).toString('hex');
	return { ...readOwnIdentity(), host: hostname(), instance: ownerState.dockpulseInstance };
}

/** `<host>/<pid>/<start ticks>/<boot id>/<instance>`, `x` for what is unknown; a host name holds no `/`. */
export function formatProcessOwner(owner: ProcessOwner): string {
	return [owner.host, owner.pid, owner.startTicks ?? 'x', owner.bootId ?? 'x', owner.instance].join('/');
}

const ownerPattern = /^([^/]+)\/(\d+)\/(\d+|x)\/([0-9a-f-]+|x)\/([0-9a-f]+)$/;

/** The owner a record names; undefined for anything else (a lease holder from an earlier version, say). */
export function parseProcessOwner(text: string | null): ProcessOwner | undefined {
	const match = text === null ? null : ownerPattern.exec(text);
	if (!match) return undefined;
	const [, host, pid, startTicks, bootId, instance] = match as unknown as [string, string, string, string, string, string];
	return { host, pid: Number(pid), startTicks: startTicks === 'x' ? undefined : startTicks, bootId: bootId === 'x' ? undefined : bootId, instance };
}

/**
 * Whether the process that wrote a record has ended: only a process on this host can be judged (by
 * the store lock's rule, isHolderRunning); one on another host, or a record that names no process, is
 * not known to have ended. Hosts are told apart by name: instances that share a database need
 * distinct host names, as containers and pods have by default.
 */
export function isOwnerGone(owner: ProcessOwner | undefined, own: ProcessOwner = readOwnOwner(), probe: ProcessProbe = systemProbe): boolean {
	if (!owner || owner.host !== own.host) return false;
	if (owner.instance === own.instance) return false;
	return !isHolderRunning(owner, own, probe);
}
