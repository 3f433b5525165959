/**
 * A process that finds the lock its "previous life" left (test/integration/store-lock.test.ts): it
 * writes a lock entry with its OWN pid, as a container restarted after a kill -9 would find it (same
 * pid, another start time or another boot), then opens the embedded database as every process does.
 * `tsx test/helpers/reopen-after-restart.ts <dataDir> <boot|start>`; prints `opened` and exits 0.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatLockEntry } from '../../src/lib/server/db/lock.js';
import { readOwnIdentity } from '../../src/lib/server/db/process-identity.js';
import { openDatabase } from '../../src/lib/server/db/client.js';

const [dataDir, what] = process.argv.slice(2) as [string, 'boot' | 'start'];
const own = readOwnIdentity();
const earlier = what === 'boot' ? { ...own, bootId: '00000000-0000-4000-8000-000000000000' } : { ...own, startTicks: String(Number(own.startTicks) - 100) };
mkdirSync(join(dataDir, 'dockpulse.lock'), { recursive: true });
writeFileSync(join(dataDir, 'dockpulse.lock', formatLockEntry(earlier, 'beef01')), '{}\n');
const database = await openDatabase({ kind: 'pglite', dataDir });
console.log(`opened ${database.location}`);
await database.close();
