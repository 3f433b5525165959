/** The bench server's resident memory and CPU time, read from /proc (Linux), for the export and load phases. */
import { readFileSync } from 'node:fs';

// /proc/<pid>/stat counts CPU time in clock ticks, 100 a second on Linux (getconf CLK_TCK).
const ticksPerSecond = 100;

/** CPU seconds (user and system) the process has used since it started. */
export function readCpuSeconds(pid: number): number {
	// The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

export function readRssMb(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
	return kb / 1024;
}

export interface RssSampler {
	beforeMb: number;
	/** Stops sampling (once; later calls give the same answer): the highest RSS seen, the start included. */
	stop(): number;
}

/** Samples a process's RSS every `everyMs` until stopped, keeping the highest reading. */
export function sampleRss(pid: number, everyMs = 100): RssSampler {
	const beforeMb = readRssMb(pid);
	let peakMb = beforeMb;
	let isStopped = false;
	const timer = setInterval(() => (peakMb = Math.max(peakMb, readRssMb(pid))), everyMs);
	return {
		beforeMb,
		stop() {
			if (isStopped) return peakMb;
			isStopped = true;
			clearInterval(timer);
			return (peakMb = Math.max(peakMb, readRssMb(pid)));
		}
	};
}
