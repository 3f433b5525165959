import { loadConfig, type Config } from './config.js';
import { describeCrashRepair, repairAfterCrash } from './crash-repair.js';
import { openDatabase, type Database, type DatabaseTarget } from './db/client.js';
import { applyMigrations } from './db/migrate.js';
import { applyConfigFileAtStart } from './config-file/apply.js';
import { refreshCounterFlags } from './flags/refresh.js';
import { loadReferenceDataset } from './reference/load.js';
import { loadDefaultWatchlist } from './targets/watchlist.js';
import { log } from './telemetry/log.js';

export function getDatabaseTarget(config: Config): DatabaseTarget {
	return config.databaseUrl
		? { kind: 'postgres', url: config.databaseUrl, poolMax: config.dbPoolMax, statementTimeoutMs: config.limits.statementTimeoutMs }
		: { kind: 'pglite', dataDir: config.dataDir };
}

export interface Store {
	config: Config;
	database: Database;
}

/**
 * Loads the configuration, opens the database, applies pending migrations, repairs what a killed
 * process left open (crash-repair.ts), recomputes the counter flags when their rules or settings
 * changed (flags/refresh.ts), loads the reference dataset and, on a store's first start, the
 * default watchlist, and applies CONFIG_FILE: what every process (server, worker, scripts) does first. Throws with a clear
 * message when the configuration is bad or the store cannot be opened.
 */
export async function openStore(env: Record<string, string | undefined>): Promise<Store> {
	const config = loadConfig(env);
	const database = await openDatabase(getDatabaseTarget(config));
	try {
		await applyMigrations(database);
		const repaired = describeCrashRepair(await repairAfterCrash(database));
		// The commands log to stderr: `npm run export` writes its CSV to stdout.
		if (repaired) log.warn({ repaired }, `Dockpulse: ${repaired}`);
		const refreshed = await refreshCounterFlags(database.db, config.counters);
		if (refreshed && refreshed.changed > 0) {
			log.info(refreshed, `Dockpulse: counter flags recomputed under the current rules and COUNTER_* settings (${refreshed.changed} sample(s) changed)`);
		}
		await loadReferenceDataset(database.db);
		if (config.isDefaultWatchlistEnabled) await loadDefaultWatchlist(database.db);
		if (config.configFile) await applyConfigFileAtStart(database.db, config.configFile, env, config.limits.alertPatternMaxSeries);
	} catch (error) {
		await database.close();
		throw error;
	}
	return { config, database };
}
