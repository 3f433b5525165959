// `npm run compact -- [--days N] [--reclaim]`: compacts observed samples older than RAW_RETENTION_DAYS
// (or N days) to one per UTC day now, as the daily compaction job does (README, "Retention"), then
// VACUUMs the samples table so that new samples reuse the space. --reclaim also rewrites the table
// (VACUUM FULL) to give the space back to the file system; that blocks every read and write of samples
// while it runs. Exit code 0 when done, 2 on bad usage or configuration, 130/143 when stopped (the
// batches done stay done; the next run goes on from there).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { getSamplesBytes, rewriteSamples, vacuumSamples } from '../src/lib/server/db/queries/compaction.js';
import { compactObservedSamples } from '../src/lib/server/retention/compact.js';
import { openStore } from '../src/lib/server/store.js';
import { runStoppableCommand, type CommandControl } from './cli.js';

const usage = 'usage: npm run compact -- [--days N] [--reclaim]';
const daysSchema = z.coerce.number().int().min(1);

const formatMb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

async function main(control: CommandControl): Promise<number> {
	const { values } = parseArgs({ options: { days: { type: 'string' }, reclaim: { type: 'boolean', default: false } } });
	const days = values.days === undefined ? undefined : daysSchema.safeParse(values.days);
	if (days && !days.success) {
		console.error(`--days: expected a whole number of days, at least 1\n${usage}`);
		return 2;
	}
	// A maintenance command: its VACUUM takes as long as the table needs, not a request's statement_timeout.
	const { config, database } = await openStore({ ...process.env, STATEMENT_TIMEOUT_MS: '0' });
	try {
		const rawDays = days?.data ?? config.retention.rawDays;
		if (rawDays === undefined) {
			console.error(`RAW_RETENTION_DAYS=off: nothing is compacted (give --days N to compact once)\n${usage}`);
			return 2;
		}
		control.running = 'compaction';
		const before = await getSamplesBytes(database.db);
		const report = await compactObservedSamples(database.db, { rawDays, now: new Date(), signal: control.signal });
		console.log(
			`compaction: ${report.samplesRemoved} observed sample(s) before ${report.cutoff} compacted away in ${report.series} series, ` +
				`${report.batches} batch(es)${report.isComplete ? '' : ', stopped before the end'}`
		);
		if (!report.isComplete) return 1;
		await vacuumSamples(database.db);
		if (values.reclaim) {
			control.running = 'VACUUM FULL samples';
			await rewriteSamples(database.db);
		}
		console.log(`samples table with its key: ${formatMb(before)} before, ${formatMb(await getSamplesBytes(database.db))} now${values.reclaim ? '' : ' (the space freed is reused by new samples; --reclaim gives it back to the file system)'}`);
		return 0;
	} finally {
		control.running = undefined;
		await database.close();
	}
}

runStoppableCommand('compact', main);
