// `npm run --silent export -- series=<ref> [series=...] [from=..] [to=..] [interval=..] [transform=..] [smooth=..]
// [points=..] [format=long|wide] > file.csv`: the CSV of GET /api/export.csv, written to stdout.
import { once } from 'node:events';
import { openStore } from '../src/lib/server/store.js';
import { parseExportQuery } from '../src/lib/server/export/params.js';
import { resolveExport, streamExportCsv } from '../src/lib/server/export/stream.js';
import { ParameterError } from '../src/lib/server/http/parse.js';
import { parseNameValueArgs, runCommand } from './cli.js';

const usage =
	'usage: npm run --silent export -- series=<source>:<key>:<metric> [series=...] [from=2016-01-01] [to=2025-12-31] ' +
	'[interval=raw|day|week|month|quarter|year] [transform=value|delta|growth|index] [smooth=N] [points=N] [format=long|wide] > file.csv\n' +
	'(--name value and --name=value work too)';

async function main(): Promise<number> {
	let query;
	try {
		query = parseExportQuery(parseNameValueArgs(process.argv.slice(2)));
	} catch (error) {
		if (!(error instanceof ParameterError)) throw error;
		console.error(`${error.message}\n${usage}`);
		return 2;
	}
	const { database } = await openStore(process.env);
	try {
		const resolved = await resolveExport(database.db, query);
		if (!resolved.ok) {
			console.error(resolved.message);
			return 1;
		}
		// No deadline here: the file is written as fast as the disk or the pipe takes it.
		for await (const chunk of streamExportCsv(database, resolved.series, query)) {
			if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
		}
		return 0;
	} finally {
		await database.close();
	}
}

runCommand(main);
