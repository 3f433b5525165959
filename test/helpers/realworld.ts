import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The real recorded histories in test/fixtures/realworld (provenance in its SOURCES.md). */

export const realworldDir = 'test/fixtures/realworld';

export interface RealworldFile {
	name: string;
	/** The series it is imported into, e.g. dockerhub:falcosecurity/falco:pulls. */
	series: string;
	csv: string;
	rows: [string, number][];
}

function seriesFor(name: string): string {
	const [source, namespace, ...rest] = name.replace(/\.csv$/, '').split('-');
	const metric = rest.pop()!;
	return `${source}:${namespace}/${rest.join('-')}:${metric}`;
}

export function listRealworldFiles(): RealworldFile[] {
	return readdirSync(realworldDir)
		.filter((name) => name.endsWith('.csv') && (name.startsWith('dockerhub-') || name.startsWith('github-')))
		.map((name) => {
			const csv = readFileSync(join(realworldDir, name), 'utf8');
			const rows = csv
				.trim()
				.split(/\r?\n/)
				.slice(1)
				.map((line) => {
					const [ts, value] = line.split(',');
					return [`${ts}T00:00:00.000Z`, Number(value)] as [string, number];
				});
			return { name, series: seriesFor(name), csv, rows };
		});
}

/** The last value of each UTC month, computed independently of the server's SQL. */
export function lastValuePerMonth(rows: [string, number][]): [string, number][] {
	const byMonth = new Map<string, [string, number]>();
	for (const [ts, value] of rows) {
		const month = ts.slice(0, 7);
		const seen = byMonth.get(month);
		if (!seen || seen[0] < ts) byMonth.set(month, [ts, value]);
	}
	return [...byMonth.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, [, v]]) => [`${month}-01T00:00:00.000Z`, v]);
}
