// `npm run apply -- <file> [--dry-run] [--prune]`: prints the plan of a configuration file (targets,
// featured, events, alerts), one line per change, and applies it in one transaction.
import { parseArgs } from 'node:util';
import { applyDeclaration, readConfigFile } from '../src/lib/server/config-file/apply.js';
import { ConfigFileError } from '../src/lib/server/config-file/parse.js';
import { formatPlanItem, PlanProblem } from '../src/lib/server/config-file/plan.js';
import { openStore } from '../src/lib/server/store.js';
import { runCommand } from './cli.js';

const usage = 'usage: npm run apply -- <file.yaml> [--dry-run] [--prune]';

async function main(): Promise<number> {
	const { values, positionals } = parseArgs({
		options: { 'dry-run': { type: 'boolean', default: false }, prune: { type: 'boolean', default: false } },
		allowPositionals: true
	});
	if (positionals.length !== 1) {
		console.error(usage);
		return 2;
	}
	const file = positionals[0]!;
	try {
		// Read before the store opens, so that a bad file costs no start-up and changes nothing.
		const declaration = await readConfigFile(file, process.env);
		// The file is this command's to apply: CONFIG_FILE, if set too, is not applied first.
		const { config, database } = await openStore({ ...process.env, CONFIG_FILE: undefined });
		try {
			const options = { prune: values.prune, dryRun: values['dry-run'], alertPatternMaxSeries: config.limits.alertPatternMaxSeries };
			const plan = await applyDeclaration(database.db, declaration, options);
			for (const item of plan) console.log(formatPlanItem(item));
			if (plan.length === 0) console.log('nothing to change');
			else console.log(options.dryRun ? `${plan.length} change(s) planned; nothing applied (--dry-run)` : `${plan.length} change(s) applied`);
			return 0;
		} finally {
			await database.close();
		}
	} catch (error) {
		if (!(error instanceof ConfigFileError || error instanceof PlanProblem)) throw error;
		console.error(new ConfigFileError(file, error.problems).message);
		return 2;
	}
}

runCommand(main);
