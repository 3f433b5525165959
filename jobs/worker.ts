/**
 * Scheduler-only process (`npm run worker`): runs the jobs of jobs/schedule.ts without the web server.
 * With the embedded database only one process may open the store, so run the worker beside a server
 * only on PostgreSQL (DATABASE_URL) and start that server with RUN_SCHEDULES=false.
 */
import { openStore } from '../src/lib/server/store.js';
import { describeCredentials } from './schedules.js';
import { startSchedules } from './schedule.js';

async function main() {
	const { config, database } = await openStore(process.env);
	const schedules = startSchedules({ config, db: database.db }, undefined, { catchUp: config.isCatchUpEnabled });
	// With an empty job table nothing else keeps the event loop alive; stay up until told to stop.
	const keepAlive = setInterval(() => {}, 1 << 30);
	const shutdown = async (signal: string) => {
		console.log(`worker: ${signal}, stopping`);
		clearInterval(keepAlive);
		await schedules.stop();
		await database.close();
	};
	process.once('SIGINT', () => void shutdown('SIGINT'));
	process.once('SIGTERM', () => void shutdown('SIGTERM'));
	// Announced only once the signal handlers are in place: whoever waits for this line may stop us.
	for (const note of describeCredentials(config)) console.log(`worker: ${note}`);
	console.log(`worker: ${schedules.names.length} scheduled job(s) on ${database.location}`);
}

main().catch((error: Error) => {
	console.error(`worker: ${error.message}`);
	process.exitCode = 1;
});
