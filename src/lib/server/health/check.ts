import type { Database } from '../db/client.js';
import { getMigrationState, type MigrationState } from '../db/migrate.js';
import { pingDatabase } from '../db/queries/database.js';
import { log } from '../telemetry/log.js';

export interface Health {
	status: 'ok' | 'failing';
	database: { kind: Database['kind']; isReachable: boolean; latencyMs: number; error?: string };
	migrations: MigrationState | null;
}

/** Database reachability and whether every committed migration is applied, for GET /healthz. */
export async function checkHealth(database: Database): Promise<Health> {
	const startedMs = performance.now();
	try {
		await pingDatabase(database.db);
		const latencyMs = Math.round((performance.now() - startedMs) * 10) / 10;
		const migrations = await getMigrationState(database);
		return {
			status: migrations.isUpToDate ? 'ok' : 'failing',
			database: { kind: database.kind, isReachable: true, latencyMs },
			migrations
		};
	} catch (error) {
		// The message can name hosts, users or files: callers without write rights see only "failing".
		log.error({ err: error }, 'health check failed');
		return {
			status: 'failing',
			database: {
				kind: database.kind,
				isReachable: false,
				latencyMs: Math.round(performance.now() - startedMs),
				error: (error as Error).message
			},
			migrations: null
		};
	}
}
