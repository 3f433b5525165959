import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout rules of the README's "Architecture" section, checked on the source tree so that a change
 * that breaks one fails here rather than in review: dependencies point one way (routes and entry points
 * -> features and jobs/ -> db/queries -> db/schema), SQL is written only in db/queries, and browser code
 * never reaches server-only modules.
 */

const root = path.resolve(import.meta.dirname, '../..');

function listSourceFiles(folder: string): string[] {
	const entries = readdirSync(path.join(root, folder), { withFileTypes: true, recursive: true });
	return entries
		.filter((entry) => entry.isFile() && /\.(ts|js|svelte)$/.test(entry.name))
		.map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

interface ImportEdge {
	file: string;
	/** The imported module as a root-relative path without extension, or the bare specifier. */
	target: string;
}

const importPattern = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function listImports(file: string): ImportEdge[] {
	const text = readFileSync(path.join(root, file), 'utf8');
	return [...text.matchAll(importPattern)].map((match) => {
		const specifier = (match[1] ?? match[2])!;
		let target = specifier;
		if (specifier.startsWith('$lib/')) target = `src/lib/${specifier.slice(5)}`;
		else if (specifier.startsWith('.')) target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
		return { file, target: target.replace(/\.(js|ts)$/, '') };
	});
}

const sourceFiles = ['src', 'jobs', 'scripts', 'bench', 'test'].flatMap(listSourceFiles);
const edges = sourceFiles.flatMap(listImports);

function findEdges(from: (file: string) => boolean, to: (target: string) => boolean): string[] {
	return edges.filter((edge) => from(edge.file) && to(edge.target)).map((edge) => `${edge.file} -> ${edge.target}`);
}

const isBrowserCode = (file: string) =>
	file.startsWith('src/') &&
	!file.startsWith('src/lib/server/') &&
	!/(^|\/)(\+server|\+page\.server|\+layout\.server|hooks\.server)\.ts$/.test(file) &&
	!/\.server\.ts$/.test(file) &&
	file !== 'src/app.d.ts';

describe('architecture', () => {
	it('keeps browser code away from server-only modules', () => {
		expect(findEdges(isBrowserCode, (target) => target.startsWith('src/lib/server/') || target.startsWith('$lib/server'))).toEqual([]);
	});

	it('lets only the entry points (server hook, CLIs, benchmark) into jobs/, and only through jobs/index.ts', () => {
		const fromOutside = (file: string) => !file.startsWith('jobs/') && !file.startsWith('test/');
		const intoJobs = (target: string) => target.startsWith('jobs/');
		const offenders = findEdges(fromOutside, intoJobs).filter((edge) => {
			const [file, target] = edge.split(' -> ') as [string, string];
			const isEntryPoint = file === 'src/hooks.server.ts' || file.startsWith('scripts/') || file.startsWith('bench/');
			return !(isEntryPoint && target === 'jobs/index');
		});
		expect(offenders).toEqual([]);
	});

	it('keeps lib/server and jobs/ runnable under plain Node (no $app or $env)', () => {
		const isPlainNode = (file: string) => file.startsWith('src/lib/server/') || file.startsWith('jobs/');
		expect(findEdges(isPlainNode, (target) => target.startsWith('$app/') || target.startsWith('$env/'))).toEqual([]);
	});

	it('has nothing import routes/ or scripts/, and bench/ stay out of test/', () => {
		// Tests may check a route's own pure helpers; no module of the app may.
		const isApp = (file: string) => !file.startsWith('test/');
		expect(findEdges((file) => isApp(file) && !file.startsWith('src/routes/'), (target) => target.startsWith('src/routes/'))).toEqual([]);
		expect(findEdges((file) => !file.startsWith('scripts/') && !file.startsWith('test/'), (target) => target.startsWith('scripts/'))).toEqual([]);
		expect(findEdges((file) => file.startsWith('bench/'), (target) => target.startsWith('test/'))).toEqual([]);
	});

	it('has the data layer import only the schema, the client and its own modules', () => {
		const isQuery = (file: string) => file.startsWith('src/lib/server/db/');
		const isFeature = (target: string) => target.startsWith('src/lib/server/') && !target.startsWith('src/lib/server/db/');
		// metrics/ is pure analysis (the interval allowlist, the metric catalogue), no feature; the log is
		// where a failed rollback or pool connection is reported.
		const isAllowed = (target: string) =>
			target.startsWith('src/lib/types/') ||
			target.startsWith('src/lib/server/metrics/') ||
			target === 'src/lib/refs' ||
			target === 'src/lib/server/telemetry/log';
		expect(findEdges(isQuery, (target) => isFeature(target) && !isAllowed(target)).concat(findEdges(isQuery, (target) => target.startsWith('jobs/')))).toEqual([]);
	});

	it('writes SQL only in the data layer (src/lib/server/db)', () => {
		// Raw SQL and drizzle's builders on a database handle, or chained on a new line. Besides queries/,
		// db/ holds the schema (its check constraints are DDL, the source of the migrations) and the
		// plumbing that runs what queries build (client, transactions, the migrator's lock).
		const sqlBuilder =
			/sql`|\b(db|tx|database|executor|client|pool)\s*\.(select|selectDistinct|insert|update|delete|execute|query)\(|^\s*\.(select|insert|update|delete|execute)\(/;
		const isDataLayer = (file: string) => file.startsWith('src/lib/server/db/');
		const offenders = ['src', 'jobs', 'scripts']
			.flatMap(listSourceFiles)
			.filter((file) => !isDataLayer(file))
			.flatMap((file) =>
				readFileSync(path.join(root, file), 'utf8')
					.split('\n')
					.map((line, index) => ({ line, where: `${file}:${index + 1}` }))
					.filter(({ line }) => sqlBuilder.test(line) && !/^\s*(\/\/|\*)/.test(line))
					.map(({ where, line }) => `${where}: ${line.trim()}`)
			);
		expect(offenders).toEqual([]);
	});
});
