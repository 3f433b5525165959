import type { Db } from '../db/client.js';
import { evaluateAlerts, type EvaluationReport } from './evaluate.js';

/**
 * Tells a process's delivery loop that notifications were queued (DeliveryLoop.kick). Called, never
 * awaited: sending happens off the path of whoever wrote the samples.
 */
export type KickDeliveries = () => void;

/** What an evaluation needs from its process: its delivery loop, and ALERT_PATTERN_MAX_SERIES. */
export interface AfterWrite {
	kickDeliveries: KickDeliveries;
	maxSeriesPerRule: number;
}

/** One evaluation of every rule; what it queued in the outbox is handed to the delivery loop. */
export async function evaluateAndKick(db: Db, after: AfterWrite, nowMs = Date.now()): Promise<EvaluationReport> {
	const evaluation = await evaluateAlerts(db, nowMs, undefined, after.maxSeriesPerRule);
	if (evaluation.changes.some((change) => change.notify !== null)) after.kickDeliveries();
	return evaluation;
}

/**
 * The one place where writing samples leads to judging them. Every writer calls it after a write:
 * imports (API and `npm run import`), scheduled collections and `npm run collect`, so that new samples
 * are judged at once. Only the evaluation is awaited: the notifications it queues go out through the
 * delivery loop (the commands, which have none, send them themselves with deliverAllDue). A write that
 * changed no sample judges nothing.
 */
export async function afterSamplesWritten(db: Db, written: { changedSamples: number }, after: AfterWrite): Promise<EvaluationReport | undefined> {
	if (written.changedSamples === 0) return undefined;
	return evaluateAndKick(db, after);
}
