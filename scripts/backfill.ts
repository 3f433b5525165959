// `npm run backfill -- [--target <ref>] [--max-requests N] [--budget-share 0.2]`: one run of every
// history backfill now (GitHub stars per day and releases as events, contributors per month, ecosystem
// counts per month), with progress and a summary. Exit code 0 when every target succeeded, 1 when some
// failed, 2 on bad usage or configuration, 143 or 130 when stopped by SIGTERM or SIGINT (the run closed
// as interrupted; the next run resumes where it stopped).
import { parseArgs } from 'node:util';
import { listCollectors, type CollectorRunOptions, type RunReport } from '../jobs/index.js';
import { parseTargetRef } from '../src/lib/refs.js';
import { openStore } from '../src/lib/server/store.js';
import { printRunSummary, printTargetProgress, runStoppableCommand, type CommandControl } from './cli.js';

const usage = 'usage: npm run backfill -- [--target github:<owner>/<name>|ecosystem:github-repos:<term>] [--max-requests <n>] [--budget-share <0..1>]';

// The registry's history backfills, and the sources they serve.
const backfills = listCollectors('backfill');
const sources = [...new Set(backfills.map((entry) => entry.source))];

type Command = Pick<CollectorRunOptions, 'onlyKey' | 'maxRequests' | 'budgetShare'> & { source?: string };

function parseNumberOption(name: string, text: string | undefined, isValid: (n: number) => boolean): number | undefined | string {
	if (text === undefined) return undefined;
	const value = Number(text);
	return Number.isFinite(value) && isValid(value) ? value : `--${name}: ${JSON.stringify(text)} is not valid`;
}

function parseCommand(): Command | string {
	let values;
	try {
		({ values } = parseArgs({ options: { target: { type: 'string' }, 'max-requests': { type: 'string' }, 'budget-share': { type: 'string' } } }));
	} catch (error) {
		return (error as Error).message;
	}
	let onlyKey: string | undefined;
	let source: Command['source'];
	if (values.target) {
		const ref = parseTargetRef(values.target);
		if (!ref.ok) return `--target: ${ref.message}`;
		if (!sources.includes(ref.value.source)) return `--target: only ${sources.join(' and ')} targets have a history backfill`;
		onlyKey = ref.value.key;
		source = ref.value.source;
	}
	const maxRequests = parseNumberOption('max-requests', values['max-requests'], (n) => Number.isInteger(n) && n >= 1);
	if (typeof maxRequests === 'string') return maxRequests;
	const budgetShare = parseNumberOption('budget-share', values['budget-share'], (n) => n > 0 && n <= 1);
	if (typeof budgetShare === 'string') return budgetShare;
	return { onlyKey, source, maxRequests, budgetShare };
}

async function main(control: CommandControl): Promise<number> {
	const command = parseCommand();
	if (typeof command === 'string') {
		console.error(`${command}\n${usage}`);
		return 2;
	}
	const { config, database } = await openStore(process.env);
	const { source, ...options } = command;
	try {
		const reports: [string, string, RunReport][] = [];
		for (const entry of backfills.filter((e) => !source || e.source === source)) {
			if (control.signal.aborted) break;
			control.running = `${entry.name} run`;
			// Only backfills that store page by page report their pages.
			const onPage = (key: string, step: string, page: number) => console.log(`  ${entry.source}:${key} ${step} page ${page} stored`);
			const report = await entry.run(database.db, config, { ...options, onPage, onProgress: printTargetProgress(entry.source), signal: control.signal });
			reports.push([entry.name, entry.source, report]);
		}
		control.running = undefined;
		for (const [name, reportSource, report] of reports) printRunSummary(name, reportSource, report, 'advanced');
		return control.signal.aborted || reports.some(([, , report]) => report.targetsFailed > 0) ? 1 : 0;
	} finally {
		await database.close();
	}
}

runStoppableCommand('backfill', main);
