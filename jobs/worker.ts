/**
 * Scheduler-only process (`npm run worker`): runs the scheduled jobs without the web server. With the
 * embedded database only one process may open the store, so run the worker beside a server only on
 * PostgreSQL (DATABASE_URL) and start that server with RUN_SCHEDULES=false.
 */
import { stopOnSignals } from '../src/lib/server/shutdown.js';
import { openStore } from '../src/lib/server/store.js';
import { watchDatabase } from '../src/lib/server/telemetry/database.js';
import { configureLogging, log } from '../src/lib/server/telemetry/log.js';
import { serveMetrics } from '../src/lib/server/telemetry/serve.js';
import { startCollection } from './index.js';

async function main() {
	const { config, database } = await openStore(process.env);
	configureLogging({ level: config.logLevel, capturesConsole: true });
	// Before any schedule starts, so that a port in use stops the worker with nothing running.
	const { isEnabled, token, workerPort } = config.metrics;
	const metrics = isEnabled
		? await serveMetrics({ host: config.host, port: workerPort, token }).catch(async (error: Error) => {
				await database.close();
				throw new Error(`metrics: cannot listen on ${config.host}:${workerPort} (${error.message})`);
			})
		: undefined;
	watchDatabase(database);
	const collection = startCollection({ config, db: database.db }, { schedule: true, catchUp: config.isCatchUpEnabled });
	// With an empty job table nothing else keeps the event loop alive; stay up until told to stop.
	const keepAlive = setInterval(() => {}, 1 << 30);
	// Running collections are aborted and close their run records before the database closes.
	stopOnSignals({
		label: 'worker',
		listRunning: () => collection.listRunning(),
		stop: async () => {
			clearInterval(keepAlive);
			await Promise.all([collection.stop(), metrics?.close()]);
			await database.close();
		}
	});
	// Announced only once the signal handlers are in place: whoever waits for this line may stop us.
	for (const note of collection.describeCredentials()) log.info({ credentials: note }, `worker: ${note}`);
	if (metrics) log.info({ port: workerPort }, `worker: metrics on http://${config.host}:${workerPort}/metrics`);
	log.info({ jobs: collection.names.length, location: database.location }, `worker: ${collection.names.length} scheduled job(s) on ${database.location}`);
}

main().catch((error: Error) => {
	log.error({ err: error }, `worker: ${error.message}`);
	process.exitCode = 1;
});
