/**
 * The JavaScript a page makes the browser download, measured from the build output: Kit's entry and
 * app chunks, the root layout, the route's own node, and every chunk they import (statically, and
 * dynamically too, since a chart library loaded after mount is downloaded all the same). Sizes are of
 * the .gz files adapter-node precompresses and serves.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const bundleTargetGzipBytes = 150 * 1024;

interface ManifestChunk {
	file: string;
	isEntry?: boolean;
	imports?: string[];
	dynamicImports?: string[];
}

export interface RouteBundle {
	route: string;
	files: number;
	rawBytes: number;
	gzipBytes: number;
}

const manifestPath = '.svelte-kit/output/client/.vite/manifest.json';
const appPath = '.svelte-kit/generated/client-optimized/app.js';
const clientDir = 'build/client';

/** The route -> leaf node map from Kit's generated client app: `"/explore": [~3]` (~ = has a server load). */
function readRouteNodes(): Map<string, number> {
	const text = readFileSync(appPath, 'utf8');
	const dictionary = /dictionary = \{([\s\S]*?)\n\t*\};/.exec(text)?.[1];
	if (!dictionary) throw new Error(`could not find the route dictionary in ${appPath}; has Kit's output changed?`);
	const routes = new Map<string, number>();
	for (const match of dictionary.matchAll(/"([^"]+)":\s*\[(~?)(\d+)/g)) routes.set(match[1]!, Number(match[3]));
	return routes;
}

function collectChunks(manifest: Record<string, ManifestChunk>, roots: string[]): Set<string> {
	const seen = new Set<string>();
	const visit = (key: string) => {
		if (seen.has(key)) return;
		const chunk = manifest[key];
		if (!chunk) throw new Error(`${key} is not in ${manifestPath}`);
		seen.add(key);
		// Kit's app chunk imports every route's node dynamically; only the page's own code counts.
		const dynamic = key.endsWith('client-optimized/app.js') ? [] : (chunk.dynamicImports ?? []);
		for (const next of [...(chunk.imports ?? []), ...dynamic]) visit(next);
	};
	roots.forEach(visit);
	return seen;
}

export function measureRouteBundles(routes: readonly string[]): RouteBundle[] {
	if (!existsSync(manifestPath) || !existsSync(clientDir)) throw new Error('no build output: run `npm run build` first');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;
	const routeNodes = readRouteNodes();
	const entries = Object.keys(manifest).filter((k) => k.endsWith('/client/entry.js') || k.endsWith('client-optimized/app.js'));
	const node = (n: number) => `.svelte-kit/generated/client-optimized/nodes/${n}.js`;
	return routes.map((route) => {
		const leaf = routeNodes.get(route);
		if (leaf === undefined) throw new Error(`route ${route} is not in the build (routes: ${[...routeNodes.keys()].join(', ')})`);
		const files = [...collectChunks(manifest, [...entries, node(0), node(leaf)])]
			.map((key) => manifest[key]!.file)
			.filter((file) => file.endsWith('.js'));
		let rawBytes = 0;
		let gzipBytes = 0;
		for (const file of files) {
			rawBytes += statSync(join(clientDir, file)).size;
			gzipBytes += statSync(join(clientDir, `${file}.gz`)).size;
		}
		return { route, files: files.length, rawBytes, gzipBytes };
	});
}
