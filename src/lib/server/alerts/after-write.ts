import type { Db } from '../db/client.js';
import { evaluateAlerts, type EvaluationReport } from './evaluate.js';

/**
 * Tells a process's delivery loop that notifications were queued (DeliveryLoop.kick). Called, never
 * awaited: sending happens off the path of whoever wrote the samples.
 */
export type KickDeliveries = () => void;

/** One evaluation of every rule; what it queued in the outbox is handed to the delivery loop. */
export async function evaluateAndKick(db: Db, kickDeliveries: KickDeliveries, nowMs = Date.now()): Promise<EvaluationReport> {
	const evaluation = await evaluateAlerts(db, nowMs);
	if (evaluation.changes.some((change) => change.notify !== null)) kickDeliveries();
	return evaluation;
}

/**
 * The one place where writing samples leads to judging them. Every writer calls it after a write:
 * imports (API and `npm run import`), scheduled collections and `npm run collect`, so that new samples
 * are judged at once. Only the evaluation is awaited: the notifications it queues go out through the
 * delivery loop (the commands, which have none, send them themselves with deliverAllDue). A write that
 * changed no sample judges nothing.
 */
export async function afterSamplesWritten(
	db: Db,
	written: { changedSamples: number },
	kickDeliveries: KickDeliveries
): Promise<EvaluationReport | undefined> {
	if (written.changedSamples === 0) return undefined;
	return evaluateAndKick(db, kickDeliveries);
}
