// `npm run import -- <file.csv | -> --series <source>:<key>:<metric>`: imports a ts,value CSV (`-` reads
// stdin), all or nothing. The file is read as a stream, never held whole; IMPORT_MAX_ROWS applies.
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseSeriesRef } from '../src/lib/refs.js';
import { deliverAllDue } from '../src/lib/server/outbox/deliver.js';
import { getDeliveryDeps } from '../src/lib/server/outbox/delivery-deps.js';
import { openStore } from '../src/lib/server/store.js';
import { importSeries, logImportProgress } from '../src/lib/server/import/import-series.js';
import { runCommand } from './cli.js';

const usage = 'usage: npm run import -- <file.csv | -> --series <source>:<key>:<metric>';

async function main(): Promise<number> {
	const { values, positionals } = parseArgs({ options: { series: { type: 'string' } }, allowPositionals: true });
	if (positionals.length !== 1 || !values.series) {
		console.error(usage);
		return 2;
	}
	const ref = parseSeriesRef(values.series);
	if (!ref.ok) {
		console.error(`--series: ${ref.message}\n${usage}`);
		return 2;
	}
	const file = positionals[0]!;
	// Checked before the store opens, so that a typo costs no start-up and reads as what it is.
	if (file !== '-') await access(file);
	const { config, database } = await openStore(process.env);
	try {
		const input = file === '-' ? process.stdin : createReadStream(file);
		const onProgress = logImportProgress(`  ${values.series}`, console.log);
		// No delivery loop in a command: what the evaluation queues is sent below, before it exits.
		const after = { kickDeliveries: () => {}, maxSeriesPerRule: config.limits.alertPatternMaxSeries };
		const { result, alerts } = await importSeries(database, ref.value, input, after, { onProgress, maxRows: config.limits.importMaxRows, counters: config.counters });
		if (!result.ok) {
			console.error(`${file === '-' ? 'stdin' : file}: nothing imported into ${result.series}`);
			for (const p of result.problems) console.error(`  line ${p.line}: ${p.message}`);
			return 1;
		}
		console.log(
			`${result.series}: ${result.rows} rows, ${result.inserted} new, ${result.updated} changed, ${result.unchanged} unchanged` +
				(result.keptObserved > 0 ? `, ${result.keptObserved} kept (an observed value is at that instant)` : '')
		);
		// Unlike the API, the command waits for the notifications, so that it can say what was sent. Each
		// attempt has the WEBHOOK_TIMEOUT_MS deadline; failures are retried by the server or worker.
		const evaluation = await alerts;
		if (evaluation) {
			const delivery = await deliverAllDue(database.db, getDeliveryDeps(config));
			console.log(`alerts: ${evaluation.changes.length} changed, ${delivery.sent} notification(s) sent`);
		}
		return 0;
	} finally {
		await database.close();
	}
}

runCommand(main);
