// `npm run collect -- [--source dockerhub] [--target <ref>] [--tick <ISO instant>]`: one collection now,
// with progress and a summary; with --tick, Docker Hub joins that tick, shared in batches with every
// process running it (README, "Several workers"). Exit code 0 when every target succeeded, 1 when some failed, 2 on bad usage or configuration,
// 143 or 130 when stopped by SIGTERM or SIGINT (the run closed as interrupted).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { describeCredentials, listCollectors } from '../jobs/index.js';
import { parseTargetRef } from '../src/lib/refs.js';
import { afterSamplesWritten } from '../src/lib/server/alerts/after-write.js';
import { deliverAllDue, type DeliveryReport } from '../src/lib/server/outbox/deliver.js';
import { getDeliveryDeps } from '../src/lib/server/outbox/delivery-deps.js';
import type { EvaluationReport } from '../src/lib/server/alerts/evaluate.js';
import { openStore } from '../src/lib/server/store.js';
import { printRunSummary, printTargetProgress, runStoppableCommand, type CommandControl } from './cli.js';

// The registry's current-value collectors; a source may have several (`--source github` also runs
// the daily contributor counts).
const collectors = listCollectors('collect');
const sources = [...new Set(collectors.map((entry) => entry.source))];
const usage = `usage: npm run collect -- [--source ${sources.join('|')}] [--target <source>:<key>] [--tick <ISO instant>]`;
const tickSchema = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 instant, such as 2026-12-01T18:00:00Z' });

function parseCommand(): { sources: string[]; onlyKey?: string; slot?: Date } | string {
	const { values } = parseArgs({ options: { source: { type: 'string' }, target: { type: 'string' }, tick: { type: 'string' } } });
	const tick = values.tick === undefined ? undefined : tickSchema.safeParse(values.tick);
	if (tick && !tick.success) return `--tick: ${tick.error.issues[0]!.message}`;
	let chosen = sources;
	let onlyKey: string | undefined;
	if (values.target) {
		const ref = parseTargetRef(values.target);
		if (!ref.ok) return `--target: ${ref.message}`;
		if (!sources.includes(ref.value.source)) return `--target: no collector for source ${ref.value.source} yet`;
		chosen = [ref.value.source];
		onlyKey = ref.value.key;
	}
	if (values.source) {
		if (!sources.includes(values.source)) return `--source: expected one of ${sources.join(', ')}`;
		chosen = chosen.filter((s) => s === values.source);
	}
	return { sources: chosen, onlyKey, slot: tick ? new Date(tick.data) : undefined };
}

function describeAlerts(evaluation: EvaluationReport | undefined, delivery: DeliveryReport): string {
	const sent = `notifications ${delivery.sent} sent, ${delivery.retrying} to retry, ${delivery.failed} failed`;
	if (!evaluation) return `alerts: not evaluated, no sample changed; ${sent}`;
	return `alerts: ${evaluation.alerts} evaluated, ${evaluation.changes.length} changed; ${sent}`;
}

async function main(control: CommandControl): Promise<number> {
	const command = parseCommand();
	if (typeof command === 'string') {
		console.error(`${command}\n${usage}`);
		return 2;
	}
	const { config, database } = await openStore(process.env);
	for (const note of describeCredentials(config)) console.log(note);
	try {
		let failed = 0;
		let changedSamples = 0;
		for (const entry of collectors.filter((e) => command.sources.includes(e.source))) {
			if (control.signal.aborted) break;
			control.running = `${entry.name} run`;
			const options = { onlyKey: command.onlyKey, slot: command.slot, onProgress: printTargetProgress(entry.source), signal: control.signal };
			const report = await entry.run(database.db, config, options);
			printRunSummary(entry.source, entry.source, report, 'collected');
			failed += report.targetsFailed;
			changedSamples += report.changedSamples;
		}
		control.running = undefined;
		// Stopping: the scheduled alerts job judges the new samples at its next tick.
		if (control.signal.aborted) return 1;
		// As after a scheduled run, the new samples are judged. A command has no delivery loop: it sends
		// what is due itself, each attempt within WEBHOOK_TIMEOUT_MS; failures are retried by the server
		// or worker (on PostgreSQL, the outbox's claims keep them from sending one twice).
		const after = { kickDeliveries: () => {}, maxSeriesPerRule: config.limits.alertPatternMaxSeries };
		const evaluation = await afterSamplesWritten(database.db, { changedSamples }, after);
		console.log(describeAlerts(evaluation, await deliverAllDue(database.db, getDeliveryDeps(config))));
		return failed > 0 ? 1 : 0;
	} finally {
		await database.close();
	}
}

runStoppableCommand('collect', main);
