import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLockEntry, parseLockEntry } from '../../src/lib/server/db/lock.js';
import { readOwnIdentity } from '../../src/lib/server/db/process-identity.js';
import { signalAndWait, spawnTsx, spawnTsxWithStdin, waitForOutput } from '../helpers/process-control.js';
import { copyPgliteTemplate } from '../helpers/pglite-template.js';
import { runScript } from '../helpers/server.js';

/**
 * The embedded store's lock with real processes: a restarted container (our own pid in the lock),
 * a holder killed with SIGKILL, and processes racing for one stale lock. The server's own restart
 * after SIGKILL is in shutdown.test.ts, with the other tests of the built server.
 */

const dirs: string[] = [];
const newDataDir = () => {
	const dir = mkdtempSync(join(tmpdir(), 'dockpulse-lock-it-'));
	dirs.push(dir);
	return dir;
};
/** A folder holding a copy of the migrated empty store: what a store looks like after its first start. */
const newStoreDir = async () => {
	const dir = newDataDir();
	await copyPgliteTemplate(dir);
	return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// Each test starts processes that open a PGlite store (seconds each, more on a loaded machine).
const processTimeoutMs = 240_000;

const lockHolders = (dataDir: string) => readdirSync(join(dataDir, 'dockpulse.lock')).map((entry) => parseLockEntry(entry)?.pid);

describe('the embedded store lock across processes', () => {
	it('opens at once a store whose lock names the opening process itself from an earlier boot or start', async () => {
		for (const earlier of ['boot', 'start']) {
			const dataDir = await newStoreDir();
			const { code, output } = await runScript('test/helpers/reopen-after-restart.ts', [dataDir, earlier], {});
			expect(output).toContain(`opened ${dataDir}`);
			expect(code).toBe(0);
			// Released on close.
			expect(readdirSync(dataDir)).not.toContain('dockpulse.lock');
		}
	}, processTimeoutMs);

	it('opens the store at once after the process holding it was killed with SIGKILL', async () => {
		const dataDir = await newStoreDir();
		const worker = spawnTsx('jobs/worker.ts', [], { DATA_DIR: dataDir, RUN_SCHEDULES: 'true' });
		await waitForOutput(worker, 'scheduled job(s)');
		const killed = await signalAndWait(worker, 'SIGKILL');
		expect(killed.code).toBeNull();
		// The kill left its lock behind.
		expect(lockHolders(dataDir)).toEqual([worker.child.pid]);
		const { code, output } = await runScript('scripts/migrate.ts', [], { DATA_DIR: dataDir });
		expect(output).toMatch(/(\d+) of \1 migrations applied/);
		expect(code).toBe(0);
	}, processTimeoutMs);

	it('lets exactly one of two processes take a stale lock, every time they race', async () => {
		const own = readOwnIdentity();
		for (let round = 0; round < 5; round++) {
			const dataDir = newDataDir();
			// A holder that no longer runs: our own pid, at an earlier start.
			mkdirSync(join(dataDir, 'dockpulse.lock'));
			writeFileSync(join(dataDir, 'dockpulse.lock', formatLockEntry({ pid: own.pid, startTicks: '1', bootId: own.bootId }, 'dead02')), '{}\n');
			// Both spin until the go file appears, once both have started.
			const goFile = join(dataDir, 'go');
			const contenders = [0, 1].map(() => spawnTsxWithStdin('test/helpers/lock-contender.ts', [dataDir, goFile]));
			try {
				await Promise.all(contenders.map((c) => waitForLine(c, 'ready')));
				writeFileSync(goFile, '');
				await Promise.all(contenders.map((c) => waitForLine(c, /won|refused|error/)));
				const results = contenders.map((c) => c.output().replace('ready', '').trim()).sort();
				expect(results, `round ${round}`).toEqual(['refused', 'won']);
				const winner = contenders.find((c) => c.output().includes('won'))!;
				expect(lockHolders(dataDir)).toEqual([winner.child.pid]);
			} finally {
				for (const c of contenders) c.child.stdin.end();
				await Promise.all(contenders.map((c) => c.closed));
			}
		}
	}, processTimeoutMs);
});

function waitForLine(contender: ReturnType<typeof spawnTsxWithStdin>, line: string | RegExp): Promise<void> {
	const isThere = () => (typeof line === 'string' ? contender.output().includes(line) : line.test(contender.output()));
	return new Promise((resolve, reject) => {
		const check = () => isThere() && resolve();
		contender.child.stdout.on('data', check);
		contender.closed.then(() => (isThere() ? resolve() : reject(new Error(`contender exited: ${contender.output()}`))));
		check();
	});
}
