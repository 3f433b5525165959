// `npm start`: builds the app when the build is missing or older than the sources, then serves it with
// adapter-node. Plain JavaScript because Node 20 cannot run TypeScript and this runs before any build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

if (existsSync('.env')) process.loadEnvFile('.env');
// Dockpulse listens on loopback unless told otherwise: adapter-node alone would listen everywhere, which
// the server refuses without ADMIN_TOKEN (see findListenProblems in src/lib/server/auth/listen.ts).
process.env.HOST ||= '127.0.0.1';
process.env.PORT ||= '3000';
// adapter-node's single limit for every body (512K by default) is off: the server's hook applies one per
// route, BODY_MAX_BYTES (64K) everywhere and IMPORT_MAX_BYTES (64M) on imports, counting chunked bodies
// too (src/lib/server/http/body-limit.ts).
process.env.BODY_SIZE_LIMIT ||= 'Infinity';

/** @param {string} path @returns {number} */
function newestMtimeMs(path) {
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtimeMs(join(path, name))));
}

const entry = 'build/index.js';
const sources = ['src', 'jobs', 'svelte.config.js', 'vite.config.ts', 'package.json'];
const isStale = !existsSync(entry) || Math.max(...sources.map(newestMtimeMs)) > statSync(entry).mtimeMs;
if (isStale) {
	console.log('Building Dockpulse (first start or changed sources)...');
	const build = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	if (build.status !== 0) process.exit(build.status ?? 1);
}

try {
	await import(join(process.cwd(), entry));
} catch (error) {
	console.error(`Dockpulse could not start: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
}
