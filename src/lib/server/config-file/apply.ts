import { readFile } from 'node:fs/promises';
import type { Db } from '../db/client.js';
import { lockConfigApply } from '../db/queries/app-state.js';
import { log } from '../telemetry/log.js';
import { ConfigFileError, parseConfigFile, type Declaration } from './parse.js';
import { formatPlanItem, planChanges, PlanProblem, type PlanItem, type PlanOptions } from './plan.js';

/**
 * Applies a declaration in one transaction: all of the plan is written, or none of it. The plan is
 * made inside the transaction, after a lock that several processes starting with the same
 * CONFIG_FILE take in turn, so the second finds nothing left to do. Applying the same file twice
 * changes nothing: every item compares with what is stored first.
 */
export async function applyDeclaration(db: Db, declaration: Declaration, options: PlanOptions & { dryRun: boolean }): Promise<PlanItem[]> {
	if (options.dryRun) return planChanges(db, declaration, options);
	return db.transaction(async (tx) => {
		await lockConfigApply(tx);
		const plan = await planChanges(tx, declaration, options);
		for (const item of plan) await item.write(tx);
		return plan;
	});
}

/** Reads and parses a configuration file; ConfigFileError with line-numbered problems when it is bad. */
export async function readConfigFile(file: string, env: Record<string, string | undefined>): Promise<Declaration> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		throw new ConfigFileError(file, [`cannot read it: ${(error as Error).message}`]);
	}
	return parseConfigFile(file, text, env);
}

/** CONFIG_FILE at start: applied without prune; a bad file refuses start. */
export async function applyConfigFileAtStart(db: Db, file: string, env: Record<string, string | undefined>, alertPatternMaxSeries: number): Promise<void> {
	const declaration = await readConfigFile(file, env);
	const plan = await applyDeclaration(db, declaration, { prune: false, dryRun: false, alertPatternMaxSeries }).catch((error: unknown) => {
		throw error instanceof PlanProblem ? new ConfigFileError(file, error.problems) : error;
	});
	if (plan.length > 0) log.info({ configFile: file, changes: plan.map(formatPlanItem) }, `CONFIG_FILE ${file}: ${plan.length} change(s) applied`);
}
