import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirInUseError } from '../../src/lib/server/db/lock.js';

const dirs: string[] = [];
const newDir = () => {
	const dir = mkdtempSync(join(tmpdir(), 'dockpulse-lock-'));
	dirs.push(dir);
	return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the embedded store lock', () => {
	it('refuses a second opener while another live process holds it, naming that process', async () => {
		const dir = newDir();
		const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
		try {
			writeFileSync(join(dir, 'dockpulse.lock'), `${holder.pid}\n`);
			expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
			expect(() => acquireDataDirLock(dir)).toThrow(`in use by process ${holder.pid}`);
		} finally {
			holder.kill();
		}
	});

	it('refuses a second opener in the same process', () => {
		const dir = newDir();
		const release = acquireDataDirLock(dir);
		expect(() => acquireDataDirLock(dir)).toThrow(DataDirInUseError);
		release();
		acquireDataDirLock(dir)();
	});

	it('takes over a lock left by a process that is gone', async () => {
		const dir = newDir();
		const gone = spawn(process.execPath, ['-e', '']);
		await new Promise((resolve) => gone.once('exit', resolve));
		writeFileSync(join(dir, 'dockpulse.lock'), `${gone.pid}\n`);
		const release = acquireDataDirLock(dir);
		expect(readFileSync(join(dir, 'dockpulse.lock'), 'utf8').trim()).toBe(String(process.pid));
		release();
	});
});
