// `npm run migrate`: applies pending migrations (and the reference dataset), then exits.
import { openStore } from '../src/lib/server/app.js';
import { getMigrationState } from '../src/lib/server/db/migrate.js';

try {
	const { database } = await openStore(process.env);
	const state = await getMigrationState(database);
	console.log(`${database.location}: ${state.applied} of ${state.expected} migrations applied`);
	await database.close();
} catch (error) {
	console.error((error as Error).message);
	process.exitCode = 1;
}
