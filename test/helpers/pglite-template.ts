import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../../src/lib/server/db/client.js';
import { applyMigrations } from '../../src/lib/server/db/migrate.js';

/**
 * A migrated, empty embedded store to copy from. A fresh PGlite folder costs about 5 s of initdb on this
 * machine against 1 s to open an existing one, and the tests start dozens of processes on fresh stores.
 * The copy is what such a process would find after its own initdb and migrations: nothing else (no
 * reference data, no watchlist), so first-start behaviour is unchanged. One template per set of
 * migrations, shared by the test workers (built aside, then renamed into place: the first one wins).
 */

function hashMigrations(): string {
	const hash = createHash('sha256');
	for (const name of readdirSync('migrations').sort()) {
		if (name.endsWith('.sql')) hash.update(name).update(readFileSync(join('migrations', name)));
	}
	return hash.digest('hex').slice(0, 16);
}

let templatePath: Promise<string> | undefined;

async function buildTemplate(): Promise<string> {
	const path = join(tmpdir(), `dockpulse-pglite-template-${hashMigrations()}`);
	if (existsSync(join(path, 'pglite'))) return path;
	const staging = mkdtempSync(join(tmpdir(), 'dockpulse-pglite-staging-'));
	const database = await openDatabase({ kind: 'pglite', dataDir: staging });
	await applyMigrations(database);
	await database.close();
	try {
		renameSync(staging, path);
	} catch {
		// Another worker put its template in place first: use that one.
		rmSync(staging, { recursive: true, force: true });
	}
	return path;
}

/** Fills `dataDir` with a copy of the migrated, empty template store. */
export async function copyPgliteTemplate(dataDir: string): Promise<void> {
	templatePath ??= buildTemplate();
	cpSync(await templatePath, dataDir, { recursive: true });
}

let templateDump: Promise<Blob> | undefined;

/** Dumps a copy of the template folder once per set of migrations, as a tar file beside it. */
async function buildTemplateDump(): Promise<Blob> {
	templatePath ??= buildTemplate();
	const path = await templatePath;
	const tarPath = `${path}.tar`;
	if (!existsSync(tarPath)) {
		// Dumped from a copy: opening the template itself would write to the folder other workers copy.
		const staging = mkdtempSync(join(tmpdir(), 'dockpulse-pglite-staging-'));
		try {
			cpSync(path, staging, { recursive: true });
			const client = await PGlite.create(join(staging, 'pglite'));
			const dump = await client.dumpDataDir('none');
			await client.close();
			writeFileSync(join(staging, 'dump.tar'), Buffer.from(await dump.arrayBuffer()));
			// Renamed into place whole, so a worker reading it never sees half a file.
			renameSync(join(staging, 'dump.tar'), tarPath);
		} finally {
			rmSync(staging, { recursive: true, force: true });
		}
	}
	return new Blob([readFileSync(tarPath)]);
}

/**
 * The migrated, empty template as a dump for an in-memory store: opening from it takes about 1 s
 * against 3 s of initdb, once per integration file and backend.
 */
export function loadPgliteTemplateDump(): Promise<Blob> {
	templateDump ??= buildTemplateDump();
	return templateDump;
}
