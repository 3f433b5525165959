// `npm run collect -- [--source dockerhub] [--target <ref>]`: one collection now, with progress and a
// summary. Exit code 0 when every target succeeded, 1 when some failed, 2 on bad usage or configuration.
import { parseArgs } from 'node:util';
import { collectDockerHub } from '../jobs/collectors/dockerhub/collect.js';
import { collectEcosystem } from '../jobs/collectors/ecosystem/collect.js';
import { collectGithub, collectGithubContributors } from '../jobs/collectors/github/collect.js';
import { parseTargetRef } from '../src/lib/refs.js';
import { openStore } from '../src/lib/server/store.js';
import { printRunSummary, printTargetProgress, runCommand } from './cli.js';
import { describeCredentials } from '../jobs/schedules.js';
import { runAlerts } from '../src/lib/server/alerts/run.js';

const usage = 'usage: npm run collect -- [--source dockerhub|github|ecosystem] [--target <source>:<key>]';
// Contributor counts refresh daily and are not a source of their own: `--source github` runs both.
const collectors = {
	dockerhub: [collectDockerHub],
	github: [collectGithub, collectGithubContributors],
	ecosystem: [collectEcosystem]
} as const;
type CollectorName = keyof typeof collectors;

function parseCommand(): { sources: CollectorName[]; onlyKey?: string } | string {
	const { values } = parseArgs({ options: { source: { type: 'string' }, target: { type: 'string' } } });
	let sources = Object.keys(collectors) as CollectorName[];
	let onlyKey: string | undefined;
	if (values.target) {
		const ref = parseTargetRef(values.target);
		if (!ref.ok) return `--target: ${ref.message}`;
		if (!(ref.value.source in collectors)) return `--target: no collector for source ${ref.value.source} yet`;
		sources = [ref.value.source as CollectorName];
		onlyKey = ref.value.key;
	}
	if (values.source) {
		if (!(values.source in collectors)) return `--source: expected one of ${Object.keys(collectors).join(', ')}`;
		sources = sources.filter((s) => s === values.source);
	}
	return { sources, onlyKey };
}

async function main(): Promise<number> {
	const command = parseCommand();
	if (typeof command === 'string') {
		console.error(`${command}\n${usage}`);
		return 2;
	}
	const { config, database } = await openStore(process.env);
	for (const note of describeCredentials(config)) console.log(note);
	try {
		let failed = 0;
		for (const source of command.sources) {
			for (const collect of collectors[source]) {
				const report = await collect(database.db, config, {
					onlyKey: command.onlyKey,
					onProgress: printTargetProgress(source)
				});
				printRunSummary(source, source, report, 'collected');
				failed += report.targetsFailed;
			}
		}
		// As after a scheduled run: the new samples are judged, and what is due is notified.
		const alerts = await runAlerts(database.db, config);
		const changed = alerts.evaluation.changes.length;
		console.log(`alerts: ${alerts.evaluation.alerts} evaluated, ${changed} changed; notifications ${alerts.delivery.sent} sent, ${alerts.delivery.retrying} to retry, ${alerts.delivery.failed} failed`);
		return failed > 0 ? 1 : 0;
	} finally {
		await database.close();
	}
}

runCommand(main);
