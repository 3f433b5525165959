import { describe, expect, it } from 'vitest';
import { formatProcessOwner, isOwnerGone, parseProcessOwner, readOwnOwner, type ProcessOwner, type ProcessProbe } from '../../src/lib/server/db/process-identity.js';

/**
 * The process a run or a scheduler lease names, and the rule by which a start judges it gone. The
 * probe stands in for the system, so that each rule is tested alone; crash-safety.test.ts kills real
 * processes.
 */

const own: ProcessOwner = { host: 'web-1', pid: 7, startTicks: '5000', bootId: 'b0a7', instance: 'aaaa' };
const other = (changes: Partial<ProcessOwner>): ProcessOwner => ({ ...own, pid: 42, startTicks: '4000', instance: 'bbbb', ...changes });

/** A system on which only the given pids run, each started at the given ticks. */
const probeOf = (running: Record<number, string>): ProcessProbe => ({
	isAlive: (pid) => pid in running,
	readStartTicks: (pid) => running[pid]
});

describe('the owner of a run or a lease', () => {
	it('reads back what it wrote, with unknown parts as x', () => {
		expect(parseProcessOwner(formatProcessOwner(own))).toEqual(own);
		const bare: ProcessOwner = { host: 'mac.local', pid: 12, instance: '0f' };
		expect(formatProcessOwner(bare)).toBe('mac.local/12/x/x/0f');
		expect(parseProcessOwner('mac.local/12/x/x/0f')).toEqual({ ...bare, startTicks: undefined, bootId: undefined });
	});

	it('reads nothing from what it did not write (a lease holder of an earlier version, a null)', () => {
		for (const text of ['3f0e6f4c-2d5b-4e57-9b1f-5d8f1f7d2c11', '', 'web-1/7/5000/b0a7', 'web-1/seven/5000/b0a7/aa', 'a/b/7/5000/b0a7/aa', null]) {
			expect(parseProcessOwner(text)).toBeUndefined();
		}
	});

	it('names this process', () => {
		const self = readOwnOwner();
		expect(self.pid).toBe(process.pid);
		expect(self.instance).toMatch(/^[0-9a-f]{12}$/);
		expect(readOwnOwner()).toEqual(self);
	});
});

describe('whether the owner has ended', () => {
	it('is gone when its pid no longer runs on this host', () => {
		expect(isOwnerGone(other({}), own, probeOf({ 7: '5000' }))).toBe(true);
	});

	it('is running while its pid runs with its start time', () => {
		expect(isOwnerGone(other({}), own, probeOf({ 7: '5000', 42: '4000' }))).toBe(false);
	});

	it('is gone when its pid was taken by a later process', () => {
		expect(isOwnerGone(other({}), own, probeOf({ 7: '5000', 42: '4999' }))).toBe(true);
	});

	it('is gone when it had our pid before us (a container restarted after kill -9)', () => {
		expect(isOwnerGone(other({ pid: 7, startTicks: '100' }), own, probeOf({ 7: '5000' }))).toBe(true);
	});

	it('is gone when it ran before this boot', () => {
		expect(isOwnerGone(other({ bootId: 'earlier' }), own, probeOf({ 7: '5000', 42: '4000' }))).toBe(true);
	});

	it('is this process itself, even without /proc', () => {
		const bare: ProcessOwner = { host: 'mac.local', pid: 7, instance: 'aaaa' };
		expect(isOwnerGone(bare, bare, probeOf({ 7: 'x' }))).toBe(false);
	});

	it('is not judged on another host, nor when the record names no process', () => {
		expect(isOwnerGone(other({ host: 'web-2' }), own, probeOf({}))).toBe(false);
		expect(isOwnerGone(undefined, own, probeOf({}))).toBe(false);
	});
});
