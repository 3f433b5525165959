// `npm run migrate`: applies pending migrations (and the reference dataset), then exits.
import { openStore } from '../src/lib/server/store.js';
import { getMigrationState } from '../src/lib/server/db/migrate.js';
import { runCommand } from './cli.js';

runCommand(async () => {
	const { database } = await openStore(process.env);
	try {
		const state = await getMigrationState(database);
		console.log(`${database.location}: ${state.applied} of ${state.expected} migrations applied`);
		return 0;
	} finally {
		await database.close();
	}
});
